# SPDX-License-Identifier: GPL-2.0-only
# VM suite for ksealctl against the real module and TPM (swtpm):
# provisioning, create, list, reboot + load --all, rotate, reseal, lock,
# shred. Copy or link it to tests/vm/suites/helper.sh to run it with
# tests/vm/run helper.
vm_disk_new A
vm_boot --disk A "helper: provision, create" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
check "provision creates SRK and parent" $K provision
check "both handles are persistent" sh -c \
	'tpm2 getcap handles-persistent | grep -q 0x81000001 && tpm2 getcap handles-persistent | grep -q 0x81000100'
check "second provision is idempotent" sh -c "$K provision | grep -q 'already provisioned'"
check "status sees TPM, SRK, parent, module" sh -c \
	"$K status --json > /tmp/st.json; grep -A1 '\"check\":\"parent\"' /tmp/st.json | grep -q '\"OK\"' && grep -A1 '\"check\":\"module\"' /tmp/st.json | grep -q '\"OK\"'"
check "create a sealed key" $K create root --pcrs 7 --lock-pcr 15
check "create a data key with a logon key" $K create disk --wrapped-by root --logon kseal:disk
check "create a second data key" $K create app --wrapped-by root --bytes 32
check "list shows three loaded keys" sh -c "[ \$($K list --json | grep -c '\"loaded\":true') = 3 ]"
check "the saved blob is what keyctl read returns" sh -c \
	"keyctl pipe \$(keyctl search @u kseal root) | grep -qf - /data/kseal/current/root.json"
check "rotate a data key" $K rotate app
check "rotate the sealed key" $K rotate root
check "the keyring holds the new sealed key" sh -c \
	"keyctl pipe \$(keyctl search @u kseal root) | grep -qf - /data/kseal/current/root.json"
GUEST
vm_boot --disk A "helper: reboot, load, lock, shred" <<'GUEST'
K="ksealctl --state-dir /data/kseal --conf /dev/null"
kseal_insmod
check "load --all after reboot" $K load --all
check "the logon key is there for dm-crypt" keyctl search @u logon kseal:disk
check "reseal keeps the key loadable" $K reseal root
check "lock extends PCR 15" $K lock
check_fails "" "after lock a fresh load of the sealed key fails" sh -c \
	"keyctl unlink \$(keyctl search @u kseal root) && $K load root"
check "shred --yes" $K shred --yes
check "the parent is gone, the SRK stays" sh -c \
	'! tpm2 getcap handles-persistent | grep -q 0x81000100 && tpm2 getcap handles-persistent | grep -q 0x81000001'
check "no blobs left" sh -c "[ ! -e /data/kseal/current ]"
GUEST
