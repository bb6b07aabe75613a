#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The kernel image as OVMF measures it in the test VM.

With -kernel, QEMU (7.2, x86) fills in the bzImage's setup header before
the firmware loads and measures the image, so PCR 4 holds the
Authenticode digest of this edited copy, not of the file:
  type_of_loader (0x210) = 0xb0, loadflags (0x211) |= CAN_USE_HEAP,
  heap_end_ptr (0x224) = 0xfe00, cmd_line_ptr (0x228) = 0x20000,
  ramdisk_image (0x218) = (highest allowed address - size) & ~4095,
  ramdisk_size (0x21c) = size of the initrd.
The highest address is initrd_addr_max (or 4 GiB - 1 when the kernel can
take an initrd above 4 GiB), but below the RAM under 4 GiB less QEMU's
ACPI tables (0x28000 bytes).

usage: qemu-kernel.py IN OUT INITRD_SIZE [MEM_MIB [TIMESTAMP]]
TIMESTAMP replaces the COFF header's TimeDateStamp (another kernel whose
Authenticode digest differs).
"""
import struct
import sys


def main():
    src, dst, initrd_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mem = int(sys.argv[4]) << 20 if len(sys.argv) > 4 else 1024 << 20
    img = bytearray(open(src, 'rb').read())
    if len(sys.argv) > 5:
        pe = struct.unpack_from('<I', img, 0x3c)[0]
        struct.pack_into('<I', img, pe + 8, int(sys.argv[5]))
    version = struct.unpack_from('<H', img, 0x206)[0]
    xloadflags = struct.unpack_from('<H', img, 0x236)[0]
    if version >= 0x20c and xloadflags & 2:
        top = 0xffffffff
    else:
        top = struct.unpack_from('<I', img, 0x22c)[0]
    below_4g = min(mem, 0x80000000)
    acpi = 0x28000
    if top >= below_4g - acpi:
        top = below_4g - acpi - 1
    img[0x210] = 0xb0
    img[0x211] |= 0x80
    struct.pack_into('<H', img, 0x224, 0x20000 - 0x10000 - 0x200)
    struct.pack_into('<I', img, 0x228, 0x20000)
    struct.pack_into('<II', img, 0x218, (top - initrd_size) & ~4095,
                     initrd_size)
    open(dst, 'wb').write(img)


if __name__ == '__main__':
    main()
