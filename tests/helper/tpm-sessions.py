#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# tpm-sessions.py PCAPNG: the TPM commands the pcap TCTI recorded that
# carry sessions, one line each: command name, then each session's handle
# and attributes in hex ("Create 02000000/61"). 40000009 is a password
# session, 02xxxxxx an HMAC session; attribute bits 01 continueSession,
# 20 decrypt, 40 encrypt.
import struct
import sys

NAMES = {0x131: "CreatePrimary", 0x153: "Create", 0x157: "Load",
         0x120: "EvictControl", 0x173: "ReadPublic", 0x176: "StartAuthSession"}
# Handles before the authorization area, per command code.
HANDLES = {0x131: 1, 0x153: 1, 0x157: 1, 0x120: 2, 0x173: 1}


def packets(data):
    """Packet data of the pcapng enhanced packet blocks."""
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12:
            break
        if btype == 6:
            caplen = struct.unpack_from("<I", data, off + 20)[0]
            yield data[off + 28:off + 28 + caplen]
        off += blen


def tpm_command(pkt):
    """The TPM command inside a packet: the tail that starts with a tag
    and its own size."""
    for i in range(len(pkt) - 10):
        tag, size = struct.unpack_from(">HI", pkt, i)
        if tag in (0x8001, 0x8002) and size == len(pkt) - i and size >= 10:
            return pkt[i:]
    return None


def main():
    data = open(sys.argv[1], "rb").read()
    for pkt in packets(data):
        cmd = tpm_command(pkt)
        if not cmd or struct.unpack_from(">H", cmd)[0] != 0x8002:
            continue
        cc = struct.unpack_from(">I", cmd, 6)[0]
        if cc not in HANDLES:
            continue
        off = 10 + 4 * HANDLES[cc]
        end = off + 4 + struct.unpack_from(">I", cmd, off)[0]
        off += 4
        out = []
        while off < end:
            h = struct.unpack_from(">I", cmd, off)[0]
            nlen = struct.unpack_from(">H", cmd, off + 4)[0]
            attrs = cmd[off + 6 + nlen]
            hlen = struct.unpack_from(">H", cmd, off + 7 + nlen)[0]
            out.append("%08x/%02x" % (h, attrs))
            off += 9 + nlen + hlen
        print(NAMES.get(cc, hex(cc)), " ".join(out))


main()
