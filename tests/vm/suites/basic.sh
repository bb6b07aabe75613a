# SPDX-License-Identifier: GPL-2.0-only
# The machine works: TPM 2.0 present, module loads, registers its key type,
# unloads cleanly.
vm_boot basic <<'GUEST'
ktest basic_test
GUEST
