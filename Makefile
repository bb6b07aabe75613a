# SPDX-License-Identifier: GPL-2.0-only
#
# make            build kmod/kseal.ko, userspace/ksealctl and the selftests
# make deps       install Debian packages, cache the matching kernel image
# make check      every test: lint, host unit tests, fuzzing, VM suites
# make demo       the main job, end to end in the VM
# make vm SUITES="basic ..."   some VM suites;  make vm-shell   a guest shell
# make check-debug  the VM suites on the debug kernel (KASAN, kmemleak, lockdep)
# make C=1 W=1    sparse and extra warnings (passed to kbuild)
# make dkms-install   install the module with DKMS;  make deb   Debian packages
# make sign KEY=... CERT=...   sign kmod/kseal.ko with the kernel's sign-file
# make bench      benchmarks in the VM: tables, bench-results*.json
# make profile    a traced profile of data-key and encrypted-key loads: profile-*.txt
# make fuzz       every libFuzzer target for 300 s (FUZZ_LONG=...)

KSEAL_CACHE ?= /var/cache/kseal
export KSEAL_CACHE
KSELFTEST_INC ?= $(KSEAL_CACHE)/kselftest

# The running kernel's build tree if it has one, else the newest installed
# Debian amd64 headers (the test VM boots the image that matches them).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

all: module helper selftests

module: kdir-ok
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

helper:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C tests/kselftest KSELFTEST_INC=$(KSELFTEST_INC)

kdir-ok:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || \
		{ echo "no kernel headers (KDIR): run 'make deps' or set KDIR=" >&2; exit 1; }

print-kdir:
	@echo $(KDIR)

deps:
	scripts/deps.sh

# Installs only when something is missing; a second run costs a second.
deps-if-needed:
	@scripts/deps.sh --check 2>/dev/null || scripts/deps.sh

check: deps-if-needed
	$(MAKE) all
	tests/check.sh

vm: deps-if-needed all
	tests/vm/run $(SUITES)

debug-kernel: deps-if-needed
	scripts/debug-kernel.sh

check-debug: debug-kernel
	$(MAKE) all
	tests/vm/run --kernel debug $(SUITES)

fuzz: deps-if-needed
	$(MAKE) -C tests/fuzz fuzz

vm-shell: deps-if-needed all
	tests/vm/run --shell

# Install the module with DKMS so it is rebuilt for new kernels.
dkms-install:
	scripts/dkms.sh install

# Sign kmod/kseal.ko for Secure Boot / lockdown: make sign KEY=key.pem CERT=cert.der
sign: module
	scripts/sign.sh sign $(KDIR) "$(KEY)" "$(CERT)"

# Debian packages kseal-dkms and ksealctl, into ../ like dpkg-buildpackage.
deb: deps-if-needed
	scripts/deb.sh build ..

# The main job, the Tang-bound key that stops loading once the operator
# withdraws its server, then a kernel update under a signed policy (UEFI
# boots).
demo: deps-if-needed
	$(MAKE) all
	tests/vm/run demo tang update

# The benchmark boots live in tests/bench/, not among the suites make
# check runs.
bench: deps-if-needed
	$(MAKE) -s all
	$(MAKE) -C tests/bench
	KDIR=$(KDIR) tests/vm/run --suite-file tests/bench/bench.sh

# Where a data-key load spends its time (function-graph trace in the VM):
# profile-data.txt and profile-encrypted.txt.
profile: deps-if-needed
	$(MAKE) -s all
	$(MAKE) -C tests/bench
	tests/vm/run --suite-file tests/bench/profile.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C userspace clean
	-$(MAKE) -C tests/kselftest clean
	-$(MAKE) -C tests/helper clean
	-[ -f tests/unit/Makefile ] && $(MAKE) -C tests/unit clean
	-[ -f tests/fuzz/Makefile ] && $(MAKE) -C tests/fuzz clean
	-$(MAKE) -C tests/bench clean

.PHONY: all module helper selftests kdir-ok print-kdir deps deps-if-needed \
	check vm vm-shell demo clean debug-kernel check-debug dkms-install deb sign fuzz \
	bench profile
