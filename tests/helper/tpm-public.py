#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# tpm-public.py PUB.pem OUT: the TPM2B_PUBLIC ksealctl(8) documents for a
# policy signing key (sign|userWithAuth, sha256 Name, no policy, null
# symmetric, ECDSA-SHA256 on P-256 or RSASSA-SHA256 with 2048 bits and
# exponent 0 for 65537), marshalled here independently of ksealctl, for
# tpm2 loadexternal to have the TPM compute its Name.
import struct
import sys

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key

key = load_pem_public_key(open(sys.argv[1], "rb").read())
ATTRS = 0x00040000 | 0x00000040
nums = key.public_numbers()
if isinstance(key, ec.EllipticCurvePublicKey):
    # type ecc, nameAlg sha256, attributes, empty authPolicy
    t = struct.pack(">HHIH", 0x0023, 0x000B, ATTRS, 0)
    # symmetric null, scheme ecdsa/sha256, curve NIST P-256, kdf null
    t += struct.pack(">HHHHH", 0x0010, 0x0018, 0x000B, 0x0003, 0x0010)
    t += struct.pack(">H", 32) + nums.x.to_bytes(32, "big")
    t += struct.pack(">H", 32) + nums.y.to_bytes(32, "big")
else:
    t = struct.pack(">HHIH", 0x0001, 0x000B, ATTRS, 0)
    # symmetric null, scheme rsassa/sha256, 2048 bits, exponent
    t += struct.pack(">HHHHI", 0x0010, 0x0014, 0x000B, 2048,
                     0 if nums.e == 65537 else nums.e)
    t += struct.pack(">H", 256) + nums.n.to_bytes(256, "big")
open(sys.argv[2], "wb").write(struct.pack(">H", len(t)) + t)
