# SPDX-License-Identifier: GPL-2.0-only
# The bad-input catalogue (tests/kselftest/badinput_test.c, the table in
# kseal(7)): every malformed payload, length, description, read buffer and
# dead key gives its documented errno, in one boot. Afterwards the TPM
# holds no transient object or session from the refused operations.
# Read racing revoke: 2000 loads, 300 on the slower debug kernel.
race=${KSEAL_RACE_ITERATIONS:-$([ "${kernel:-}" = debug ] && echo 300 || echo 2000)}
vm_boot --timeout 300 "badinput: bad-input catalogue" < <(echo "export KSEAL_RACE_ITERATIONS=$race"; cat <<'GUEST'
tpm_make_parent
kseal_insmod
ktest badinput_test
check "no transient object left in the TPM" sh -c \
	'out=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-transient) && echo "$out" && [ -z "$out" ]'
check "no policy session left in the TPM" sh -c \
	'out=$(TPM2TOOLS_TCTI=device:/dev/tpm0 tpm2 getcap handles-loaded-session) && echo "$out" && [ -z "$out" ]'
GUEST
)
