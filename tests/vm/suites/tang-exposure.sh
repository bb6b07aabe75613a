# SPDX-License-Identifier: GPL-2.0-only
# User space never sees a Tang secret. A load of a Tang-bound key runs
# under strace -f -s 65535 -xx (every byte ksealctl and its libraries
# passed through a system call: HTTP, keyctl, files) while the host keeps
# a copy of the HTTP bytes (a tee in the --fwd command). The host then
# computes, from the server's private key and the blob, what must stay in
# the kernel: K = s*C (the shared point; its x derives the share's pad and
# the check value), the share (here T = N = 1: the Tang secret Z itself)
# and e*S = Y - K (the ephemeral key's part), and searches both captures
# for them as raw bytes, hex, base64url and base64. The same search must
# find X and Y (the points that do cross user space), and the check value
# computed from K must equal the blob's, so K is known to be right.
vm_disk_new T
# The runner's directory is shared by the suites of one run.
tang_dir=$VM_DIR/$vm_suite
rm -rf "$tang_dir"
mkdir -p "$tang_dir"
db=$tang_dir/db
if "$repo/tests/vm/tang-keys.sh" new "$db" > "$tang_dir/thp"; then
	vm_note_pass "host: a Tang database"
else
	vm_note_fail "host: a Tang database"
fi
vm_disk_put T "$tang_dir/thp" thp

vm_boot --tpm default --disk T \
	--fwd "7001:tee -a $tang_dir/http.in | $VM_TANGD $db | tee -a $tang_dir/http.out" \
	"tang: what user space sees of a load" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /data/kseal.conf"
URL=http://10.0.2.100:7001
kseal_insmod
printf 'TANG_TIMEOUT=5\n' > /data/kseal.conf
check "provision" $K provision
check "create a Tang-bound key" $K create t --pcrs 7 --tang $URL --tang-thp "$(cat /data/thp)"
check "save its blob" sh -c 'keyctl pipe "$(keyctl search %:kseal kseal t)" > /data/t.blob'
check "unload it" keyctl unlink "$(keyctl search %:kseal kseal t)" %:kseal
check "load it under strace" strace -f -s 65535 -xx -o /data/strace.txt $K load t
check "  the loaded key is the saved blob" sh -c \
	'keyctl pipe "$(keyctl search %:kseal kseal t)" | cmp - /data/t.blob'
GUEST

if vm_disk_get T t.blob "$tang_dir/t.blob" && vm_disk_get T strace.txt "$tang_dir/strace.txt"; then
	vm_note_pass "host: the blob and the strace capture"
else
	vm_note_fail "host: the blob and the strace capture"
fi
python3 - "$tang_dir" "$db" > "$tang_dir/search.out" 2>&1 <<'PY'
import base64, hashlib, hmac, json, os, re, subprocess, sys

tdir, db = sys.argv[1], sys.argv[2]
P = 2**256 - 2**224 + 2**192 + 2**96 - 1


def out(ok, desc):
    print(("ok - " if ok else "not ok - ") + desc)


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def add(p, q):
    # Affine P-256 point addition (a = -3); None is the point at infinity.
    if p is None:
        return q
    if q is None:
        return p
    (x1, y1), (x2, y2) = p, q
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p == q:
        lam = (3 * x1 * x1 - 3) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def pt(b):
    return int.from_bytes(b[:32], "big"), int.from_bytes(b[32:], "big")


blob = bytes.fromhex(open(os.path.join(tdir, "t.blob")).read().strip())
sec = blob[161:]
# Tang section: curve, N, T, reserved, 32-byte recovery wrap, then per
# server S (64), C (64), wrapped share (32), check (16).
out(sec[:3] == b"\x01\x01\x01", "blob: a P-256 Tang section, 1 of 1 server")
S, C = sec[36:100], sec[100:164]
wrapped, chk = sec[164:196], sec[196:212]
xkey = None
for name in os.listdir(db):
    if name.endswith(".jwk") and not name.startswith("."):
        k = json.load(open(os.path.join(db, name)))
        if k["alg"] == "ECMR":
            xkey = os.path.join(db, name)
            kx = k
out(xkey is not None and S == b64d(kx["x"]) + b64d(kx["y"]),
    "blob: S_1 is the server's exchange key (the layout is read right)")
cjwk = json.dumps({"kty": "EC", "crv": "P-256", "x": b64e(C[:32]).decode(),
                   "y": b64e(C[32:]).decode()}).encode()
K = json.loads(subprocess.run(["jose", "jwk", "exc", "-l", xkey, "-r-", "-o-"],
                              input=cjwk, stdout=subprocess.PIPE, check=True).stdout)
Kx, Ky = b64d(K["x"]), b64d(K["y"])
out(hmac.new(Kx, b"kseal tang check v1", hashlib.sha256).digest()[:16] == chk,
    "K = s*C (jose jwk exc) gives the blob's check value")
share = bytes(a ^ b for a, b in zip(
    wrapped, hmac.new(Kx, b"kseal tang share v1", hashlib.sha256).digest()))

# The exchange as the HTTP bytes show it: X posted, Y answered.
http_in = open(os.path.join(tdir, "http.in"), "rb").read()
http_out = open(os.path.join(tdir, "http.out"), "rb").read()
posts = re.findall(rb"POST /rec/\S+ HTTP[^\r]*\r\n.*?\r\n\r\n(\{.*?\})", http_in, re.S)
answers = re.findall(rb"\r\n\r\n(\{\"alg\": *\"ECMR\".*?\})", http_out, re.S)
out(len(posts) == 1 and len(answers) == 1, "HTTP capture: one recovery request and its answer")
X = json.loads(posts[-1]) if posts else {"x": "", "y": ""}
Y = json.loads(answers[-1]) if answers else {"x": "", "y": ""}
Xx, Yx = b64d(X["x"]), b64d(Y["x"])
eS = None
if Yx:
    Kneg = (int.from_bytes(Kx, "big"), (-int.from_bytes(Ky, "big")) % P)
    eS = add(pt(Yx + b64d(Y["y"])), Kneg)
eSx = eS[0].to_bytes(32, "big") if eS else b""

raw = open(os.path.join(tdir, "strace.txt"), "rb").read()
# strace -xx writes every byte of a buffer as \xNN: back to the bytes.
strace = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
captures = {"strace": strace, "HTTP": http_in + http_out}


def forms(b):
    return [b, b.hex().encode(), b.hex().upper().encode(), b64e(b),
            base64.b64encode(b).rstrip(b"=")]


def found(b, data):
    return any(f in data for f in forms(b))


out(found(Xx, strace) and found(Xx, http_in), "control: X's x is found in the strace and HTTP captures")
out(found(Yx, strace) and found(Yx, http_out), "control: Y's x is found in the strace and HTTP captures")
for what, b in (("K's x (the shared point)", Kx), ("the share (= the Tang secret Z)", share),
                ("e*S's x (the ephemeral key's part)", eSx)):
    for cname, data in captures.items():
        out(len(b) == 32 and not found(b, data), "%s appears nowhere in the %s capture" % (what, cname))
PY
py_rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) vm_note_pass "host: ${line#ok - }" ;;
	"not ok - "*) vm_note_fail "host: ${line#not ok - }" ;;
	*) echo "# $line" ;;
	esac
done < "$tang_dir/search.out"
if [ $py_rc != 0 ] || ! grep -q '^ok - ' "$tang_dir/search.out"; then
	vm_note_fail "host: the search ran (exit $py_rc)"
fi
