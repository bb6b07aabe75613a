#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Known answers for session_test.c, computed without kseal's C code.

The vectors in session_vectors.h, which session_test.c checks
kmod/kseal_tpm2_session.c against, come from this script:

    python3 gen_session_vectors.py > session_vectors.h
    make check-vectors      # rerun it and compare with the committed file

It follows the TPM 2.0 Library specification, part 1, on its own: KDFa
(11.4.10.2, HMAC-SHA256 in counter mode, the label with its terminating
zero octet), KDFe (11.4.10.3, SHA-256), the key of a salted session
(KDFa(salt, "ATH", nonceTPM, nonceCaller)), the command and response HMACs
over cpHash and rpHash (19.6) and the AES-128-CFB parameter encryption
(21.3, key || iv = KDFa(sessionKey || authValue, "CFB", nonceNewer,
nonceOlder)). SHA-256 and HMAC come from Python's hashlib and hmac, AES
from python3-cryptography, or from `openssl enc` without it; when both are
there they must agree.

One KDFa answer is not ours: the KDFa self-test vector of the TCG TPM 2.0
reference implementation (KdfTestData.h, the SHA-256 c_kdfTestKeyOut; also
in libtpms, src/tpm2/KdfTestData.h). The script checks its own KDFa against
it before writing anything.
"""

import hashlib
import hmac
import shutil
import struct
import subprocess
import sys


def be16(v):
    return struct.pack(">H", v)


def be32(v):
    return struct.pack(">I", v)


def tpm2b(b):
    return be16(len(b)) + b


def pattern(n, start, step=1):
    return bytes((start + step * i) & 0xFF for i in range(n))


def kdfa(key, label, u, v, nbytes):
    out = b""
    i = 1
    while len(out) < nbytes:
        out += hmac.new(key, be32(i) + label + b"\0" + u + v +
                        be32(nbytes * 8), hashlib.sha256).digest()
        i += 1
    return out[:nbytes]


def kdfe(z, label, u, v):
    # One round: 32 bytes are one SHA-256 output.
    return hashlib.sha256(be32(1) + z + label + b"\0" + u + v).digest()


def cfb_cryptography(key, iv, data, decrypt):
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
    except ImportError:
        return None
    try:
        # Where CFB lives from cryptography 47 on.
        from cryptography.hazmat.decrepit.ciphers.modes import CFB
    except ImportError:
        from cryptography.hazmat.primitives.ciphers.modes import CFB
    c = Cipher(algorithms.AES(key), CFB(iv))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def cfb_openssl(key, iv, data, decrypt):
    if not shutil.which("openssl"):
        return None
    cmd = ["openssl", "enc", "-aes-128-cfb", "-K", key.hex(), "-iv",
           iv.hex(), "-nopad"]
    if decrypt:
        cmd.append("-d")
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def aes128_cfb(key, iv, data, decrypt=False):
    a = cfb_cryptography(key, iv, data, decrypt)
    b = cfb_openssl(key, iv, data, decrypt)
    if a is None and b is None:
        sys.exit("gen_session_vectors: need python3-cryptography or openssl")
    if a is not None and b is not None and a != b:
        sys.exit("gen_session_vectors: cryptography and openssl disagree")
    return a if a is not None else b


def crypt_param(value, newer, older, params, decrypt=False):
    """CFB over the first parameter's bytes, its size field left clear."""
    kiv = kdfa(value, b"CFB", newer, older, 32)
    n = struct.unpack(">H", params[:2])[0]
    return (params[:2] + aes128_cfb(kiv[:16], kiv[16:], params[2:2 + n],
                                    decrypt) + params[2 + n:])


def command_hmac(value, cc, names, params, nonce_caller, nonce_tpm, attrs):
    cp = hashlib.sha256(be32(cc) + names + params).digest()
    return hmac.new(value, cp + nonce_caller + nonce_tpm + bytes([attrs]),
                    hashlib.sha256).digest()


def response_hmac(value, cc, params, nonce_tpm, nonce_caller, attrs):
    rp = hashlib.sha256(be32(0) + be32(cc) + params).digest()
    return hmac.new(value, rp + nonce_tpm + nonce_caller + bytes([attrs]),
                    hashlib.sha256).digest()


def response(params, sessions, handles=()):
    """A successful TPM2_ST_SESSIONS answer: handles, parameters, auths."""
    body = b"".join(be32(h) for h in handles) + be32(len(params)) + params
    for nonce, attrs, mac in sessions:
        body += tpm2b(nonce) + bytes([attrs]) + tpm2b(mac)
    return be16(0x8002) + be32(10 + len(body)) + be32(0) + body


OUT = []
NOTE = []


def note(text):
    NOTE.append("/* %s */\n" % text)


def add(text):
    OUT.append("".join(NOTE) + text)
    NOTE.clear()


def emit(name, data):
    lines = []
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    add("static const u8 %s[%d] = {\n%s\n};" %
        (name, len(data), "\n".join(lines)))


def emit_str(name, s):
    add('static const char %s[] = "%s";' % (name, s))


def emit_u32(name, v):
    add("#define %s 0x%08x" % (name.upper(), v))


def main():
    # KDFa: the TCG reference implementation's self-test, SHA-256 build.
    tcg_key = bytes.fromhex("271fa08bbdc5060ec3dfa928ff9b73123a12da0c")
    tcg_u = bytes.fromhex("ce244f395dca7391")
    tcg_v = bytes.fromhex("da504031ddf12e83")
    tcg_out = bytes.fromhex("bb0259e1c8ba607e6a2cd704b69a902e9ade84c4")
    if kdfa(tcg_key, b"KDFSELFTESTLABEL", tcg_u, tcg_v, 20) != tcg_out:
        sys.exit("gen_session_vectors: KDFa misses the TCG self-test vector")
    note("KDFa: the TCG reference implementation's self-test "
         "(KdfTestData.h).")
    emit("kdfa_tcg_key", tcg_key)
    emit_str("kdfa_tcg_label", "KDFSELFTESTLABEL")
    emit("kdfa_tcg_u", tcg_u)
    emit("kdfa_tcg_v", tcg_v)
    emit("kdfa_tcg_out", tcg_out)

    # KDFa over two HMAC blocks: 48 bytes (one and a half) and 64 (two).
    key = pattern(32, 0x00)
    u = pattern(32, 0x40)
    v = pattern(16, 0x80)
    note("KDFa, 32, 48 and 64 bytes of the same inputs.")
    emit("kdfa_key", key)
    emit_str("kdfa_label", "KSEAL KAT")
    emit("kdfa_u", u)
    emit("kdfa_v", v)
    emit("kdfa_out32", kdfa(key, b"KSEAL KAT", u, v, 32))
    emit("kdfa_out48", kdfa(key, b"KSEAL KAT", u, v, 48))
    emit("kdfa_out64", kdfa(key, b"KSEAL KAT", u, v, 64))
    emit("kdfa_empty_ctx_out", kdfa(key, b"KSEAL KAT", b"", b"", 32))

    # KDFe: Z, "SECRET", the caller's and the TPM's x coordinates.
    z = pattern(32, 0x11, 3)
    ux = pattern(32, 0x22, 5)
    vx = pattern(32, 0x33, 7)
    note("KDFe.")
    emit("kdfe_z", z)
    emit("kdfe_u", ux)
    emit("kdfe_v", vx)
    emit("kdfe_out", kdfe(z, b"SECRET", ux, vx))

    # A salted session: its key from the salt and both nonces.
    salt = pattern(32, 0xA0, 1)
    nonce_caller = pattern(32, 0xC0, 1)
    nonce_tpm = pattern(32, 0x10, 9)
    nonce_tpm16 = pattern(16, 0x70, 1)
    session_key = kdfa(salt, b"ATH", nonce_tpm, nonce_caller, 32)
    note("StartAuthSession: the session key.")
    emit("sess_salt", salt)
    emit("sess_nonce_caller", nonce_caller)
    emit("sess_nonce_tpm", nonce_tpm)
    emit("sess_nonce_tpm16", nonce_tpm16)
    emit("sess_key", session_key)
    emit("sess_key16", kdfa(salt, b"ATH", nonce_tpm16, nonce_caller, 32))

    # KDFa("CFB") as the command's decrypt session derives it.
    auth = b"hello"
    note("KDFa(sessionKey || authValue, \"CFB\", nonceCaller, "
         "nonceTPM): key || iv.")
    emit("kdfa_cfb_kiv", kdfa(session_key + auth, b"CFB", nonce_caller,
                              nonce_tpm, 32))

    # Create: the parent's Name, inSensitive first (37 bytes, not a
    # multiple of the AES block), then more parameters.
    cc_create = 0x153
    name = be16(0x000B) + pattern(32, 0x5A, 11)
    secret = pattern(37, 0x01, 1)
    params = tpm2b(secret) + bytes.fromhex("0004deadbeef0000")
    note("Create with DECRYPT, empty authValue (the parent).")
    emit_u32("cmd_cc", cc_create)
    emit("cmd_name", name)
    emit("cmd_params", params)
    enc = crypt_param(session_key, nonce_caller, nonce_tpm, params)
    if crypt_param(session_key, nonce_caller, nonce_tpm, enc, True) != params:
        sys.exit("gen_session_vectors: CFB does not round-trip")
    emit("cmd_params_enc", enc)
    emit("cmd_hmac_decrypt", command_hmac(session_key, cc_create, name, enc,
                                          nonce_caller, nonce_tpm, 0x20))
    note("The same without DECRYPT, authValue \"hello\", "
         "continueSession.")
    emit("cmd_hmac_plain", command_hmac(session_key + auth, cc_create, name,
                                        params, nonce_caller, nonce_tpm,
                                        0x01))
    emit("cmd_params_enc_auth", crypt_param(session_key + auth, nonce_caller,
                                            nonce_tpm, params))

    # Unseal's answer: outData encrypted under the TPM's new nonce, HMAC'd.
    cc_unseal = 0x15E
    new_nonce = pattern(32, 0xE0, 13)
    out_data = pattern(33, 0x30, 1)
    plain = tpm2b(out_data)
    cipher = crypt_param(session_key, new_nonce, nonce_caller, plain)
    mac = response_hmac(session_key, cc_unseal, cipher, new_nonce,
                        nonce_caller, 0x40)
    note("Unseal's answer, one session, ENCRYPT.")
    emit_u32("resp_cc", cc_unseal)
    emit("resp_new_nonce", new_nonce)
    emit("resp_plain_params", plain)
    emit("resp_one", response(cipher, [(new_nonce, 0x40, mac)]))
    # The same answer for a second, encrypt-only session behind a policy
    # session that carries no HMAC.
    note("The same answer as session 1 of 2.")
    emit("resp_two", response(cipher, [(pattern(16, 0xAA, 0), 0x00, b""),
                                       (new_nonce, 0x40, mac)]))

    print("/* SPDX-License-Identifier: GPL-2.0-only */")
    print("/*")
    print(" * Generated by gen_session_vectors.py from Python's hashlib, "
          "hmac and")
    print(" * AES: do not edit, rerun it (make check-vectors compares).")
    print(" */")
    print("#ifndef SESSION_VECTORS_H")
    print("#define SESSION_VECTORS_H")
    print()
    print("\n\n".join(OUT))
    print()
    print("#endif /* SESSION_VECTORS_H */")


if __name__ == "__main__":
    main()
