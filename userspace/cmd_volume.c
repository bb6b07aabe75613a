// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksealctl volume: dm-crypt volumes keyed by a kseal data key's logon
 * export, with a header that proves the right key before anything is
 * mapped (include/kseal/volume.h), declared in /etc/kseal/volumes
 * (kseal-volumes(5)) and opened at boot by units "volume generate" writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <blkid/blkid.h>
#include <json-c/json.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dm.h"
#include "kbackend.h"
#include "ksealctl.h"
#include "state.h"
#include "volume.h"
#include "volume_unit.h"

static const char help[] =
"Usage: ksealctl volume format DEVICE --key NAME [--cipher SPEC] [--sector-size N]\n"
"                              [--label LABEL] [--force]\n"
"       ksealctl volume open NAME | --all | --initramfs\n"
"       ksealctl volume open DEVICE --name NAME [--readonly] [--discard]\n"
"       ksealctl volume close NAME\n"
"       ksealctl volume status NAME|DEVICE [--json]\n"
"       ksealctl volume list [--json]\n"
"       ksealctl volume generate DIR [EARLY_DIR LATE_DIR]\n"
"\n"
"dm-crypt volumes keyed by a kseal data key made with --logon; the key\n"
"never leaves the kernel. Volumes are declared in /etc/kseal/volumes\n"
"(kseal-volumes(5)); generate is the systemd generator's body.\n"
"\n"
"  --key NAME          the data key (ksealctl create NAME --wrapped-by ... --logon ...)\n"
"  --cipher SPEC       dm-crypt cipher (default aes-xts-plain64)\n"
"  --sector-size N     512 (default), 1024, 2048 or 4096\n"
"  --label LABEL       a label kept in the header\n"
"  --force             format over a file system, LUKS, LVM or kseal volume\n"
"  --name NAME         the mapping, /dev/mapper/NAME (open DEVICE)\n"
"  --volumes FILE      the volumes file (default " KSEALCTL_VOLUMES ")\n";

enum {
	O_KEY = OPT_SUB, O_CIPHER, O_SECTOR, O_LABEL, O_FORCE, O_NAME,
	O_READONLY, O_DISCARD, O_ALL, O_INITRAMFS, O_VOLUMES,
};

struct vargs {
	const char *key, *cipher, *label, *name, *volumes;
	unsigned long sector;
	bool force, readonly, discard, all, initramfs;
};

/* 0 to go on; -1 to stop with *rc (help printed, or a bad option). */
static int parse_args(int argc, char **argv, struct vargs *a, int *rc)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, O_KEY },
		{ "cipher", required_argument, NULL, O_CIPHER },
		{ "sector-size", required_argument, NULL, O_SECTOR },
		{ "label", required_argument, NULL, O_LABEL },
		{ "force", no_argument, NULL, O_FORCE },
		{ "name", required_argument, NULL, O_NAME },
		{ "readonly", no_argument, NULL, O_READONLY },
		{ "discard", no_argument, NULL, O_DISCARD },
		{ "all", no_argument, NULL, O_ALL },
		{ "initramfs", no_argument, NULL, O_INITRAMFS },
		{ "volumes", required_argument, NULL, O_VOLUMES },
		GLOBAL_LONGOPTS,
		{ 0 }
	};
	long n;
	int c;

	memset(a, 0, sizeof(*a));
	a->cipher = "aes-xts-plain64";
	a->sector = 512;
	a->volumes = KSEALCTL_VOLUMES;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case O_KEY:
			a->key = optarg;
			break;
		case O_CIPHER:
			a->cipher = optarg;
			break;
		case O_SECTOR:
			if (parse_int(optarg, 512, 4096, &n) ||
			    !kvol_valid_sector((unsigned long)n)) {
				kerr("volume: bad --sector-size '%s'; use 512, 1024, 2048 or 4096",
				     optarg);
				*rc = KX_USAGE;
				return -1;
			}
			a->sector = (unsigned long)n;
			break;
		case O_LABEL:
			a->label = optarg;
			break;
		case O_FORCE:
			a->force = true;
			break;
		case O_NAME:
			a->name = optarg;
			break;
		case O_READONLY:
			a->readonly = true;
			break;
		case O_DISCARD:
			a->discard = true;
			break;
		case O_ALL:
			a->all = true;
			break;
		case O_INITRAMFS:
			a->initramfs = true;
			break;
		case O_VOLUMES:
			a->volumes = optarg;
			break;
		default:
			*rc = KX_USAGE;
			if (global_opt(c, optarg, help, rc) <= 0)
				return -1;
		}
	}
	return 0;
}

/* The volumes file; a missing one is an empty table. */
static int read_table(const char *path, struct kvol_table *t)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f;
	bool ok;

	t->e = NULL;
	t->n = 0;
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return KX_OK;
		kerr("volume: cannot read %s: %s; check its permissions",
		     path, strerror(errno));
		return KX_STATE;
	}
	{
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			char *nb = len + n > 1 << 20 ? NULL :
				   realloc(buf, len + n);

			if (!nb) {
				free(buf);
				fclose(f);
				kerr("volume: %s is larger than 1 MiB; it cannot be a volumes file",
				     path);
				return KX_STATE;
			}
			buf = nb;
			memcpy(buf + len, chunk, n);
			len += n;
		}
	}
	fclose(f);
	ok = kvol_table_parse(buf ? buf : "", len, t, err, sizeof(err));
	free(buf);
	if (!ok) {
		kerr("volume: %s: %s; see kseal-volumes(5)", path, err);
		return KX_STATE;
	}
	return KX_OK;
}

/* A block device's size; -1 with a message if it is none. */
static int dev_size(int fd, const char *dev, uint64_t *size)
{
	struct stat s;

	if (fstat(fd, &s) || !S_ISBLK(s.st_mode)) {
		kerr("volume: %s is not a block device", dev);
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, size)) {
		kerr("volume: cannot read the size of %s: %s", dev,
		     strerror(errno));
		return -1;
	}
	return 0;
}

static int read_header(const char *dev, uint8_t *buf, uint64_t *size,
		       dev_t *rdev)
{
	struct stat s;
	ssize_t n;
	int fd;

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kerr("volume: cannot open %s: %s; check the device name",
		     dev, strerror(errno));
		return KX_USAGE;
	}
	if (dev_size(fd, dev, size) || fstat(fd, &s)) {
		close(fd);
		return KX_USAGE;
	}
	*rdev = s.st_rdev;
	n = pread(fd, buf, KSEAL_VOL_HDR_SIZE, 0);
	close(fd);
	if (n != KSEAL_VOL_HDR_SIZE) {
		kerr("volume: cannot read the header of %s: %s", dev,
		     n < 0 ? strerror(errno) : "device too small");
		return KX_REFUSED;
	}
	return KX_OK;
}

/* status reports the key check in one line of its own, not as errors. */
static bool quiet;
#define vkerr(...) do { if (!quiet) kerr(__VA_ARGS__); } while (0)

/*
 * The data key @name: a data key of the state directory offered as a
 * logon key, loaded, with its logon key linked into the kseal keyring.
 */
struct vkey {
	int32_t ring, serial;
	char logon[128];
	int bytes;
};

static int find_key(const char *name, struct vkey *vk)
{
	struct kstate st;
	struct kkey *k;
	int rc;

	rc = state_open(&st, g.state_dir, false);
	if (rc)
		return rc;
	k = state_find(&st, name);
	rc = KX_USAGE;
	if (!k)
		vkerr("volume: no key '%s' in %s; see ksealctl list", name,
		     st.dir);
	else if (k->kind != KIND_DATA || !k->logon[0])
		vkerr("volume: key '%s' is not a data key offered as a logon key; create one with ksealctl create NAME --wrapped-by SEALED --bytes 64 --logon kseal:NAME",
		     name);
	else
		rc = KX_OK;
	if (!rc) {
		snprintf(vk->logon, sizeof(vk->logon), "%s", k->logon);
		vk->bytes = k->bytes;
	}
	state_close(&st);
	if (rc)
		return rc;
	vk->ring = kring(false);
	vk->serial = key_loaded(vk->ring, name);
	if (vk->serial < 0) {
		vkerr("volume: data key '%s' is not loaded; run ksealctl load %s",
		     name, name);
		return KX_KERNEL;
	}
	if (kb_search(vk->ring, "logon", vk->logon) < 0) {
		vkerr("volume: logon key %s of data key '%s' is not in keyring '%s'; run ksealctl load %s",
		     vk->logon, name, g.keyring, name);
		return KX_KERNEL;
	}
	return KX_OK;
}

/* "KSEAL-<uuid in hex>-<name>": ours, and which volume. */
static void dm_uuid(const struct kvol_header *h, const char *name, char *out,
		    size_t len)
{
	char hex[2 * KSEAL_VOL_UUID_SIZE + 1];
	int i;

	for (i = 0; i < KSEAL_VOL_UUID_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", h->uuid[i]);
	snprintf(out, len, KDM_UUID_PREFIX "%s-%s", hex, name);
}

static void crypt_params(const struct kvol_header *h, const char *logon,
			 dev_t dev, bool discard, char *out, size_t len)
{
	char opt[64] = "";
	int n = 0;

	if (discard) {
		n++;
		strcat(opt, " allow_discards");
	}
	if (h->sector_size != 512) {
		n++;
		snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt),
			 " sector_size:%u", h->sector_size);
	}
	snprintf(out, len, "%s :%u:logon:%s 0 %u:%u %llu", h->cipher,
		 h->key_size, logon, major(dev), minor(dev),
		 (unsigned long long)(h->data_offset / 512));
	if (n)
		snprintf(out + strlen(out), len - strlen(out), " %d%s", n, opt);
}

/*
 * dm-crypt finds the logon key with request_key from this process's
 * keyrings. The kseal keyring is in root's user keyring, which a session
 * may not reach (a unit with KeyringMode=private): linked into our own
 * process keyring, it is found from any session that let us find it.
 */
static int key_reachable(const struct vkey *vk)
{
	if (kb_link(vk->ring, KB_PROCESS_RING) < 0) {
		kerr("volume: cannot link keyring '%s' into the process keyring: %s; check the key quota of root",
		     g.keyring, strerror(errno));
		return KX_KERNEL;
	}
	return KX_OK;
}

/*
 * The header's key check value, by the loaded data key: the same key,
 * and the version the logon key carries.
 */
static int verify_key(const char *dev, const uint8_t *hdr,
		      const struct kvol_header *h, const struct vkey *vk)
{
	uint8_t sig[KSEAL_VOL_CHECK_SIZE];
	long n;

	if (vk->bytes != (int)h->key_size) {
		vkerr("volume: %s needs a %u-byte key; data key '%s' has %d bytes: it is not the key this volume was formatted with",
		     dev, h->key_size, h->key, vk->bytes);
		return KX_REFUSED;
	}
	if (kb_pkey_verify(vk->serial, hdr, KSEAL_VOL_OFF_CHECK, h->check,
			   KSEAL_VOL_CHECK_SIZE) < 0) {
		if (errno == EKEYREJECTED || errno == EBADMSG) {
			vkerr("volume: data key '%s' loaded here is not the key %s was formatted with (key check value mismatch); nothing opened",
			     h->key, dev);
			return KX_REFUSED;
		}
		vkerr("volume: checking the key of %s with data key '%s' failed: %s; see dmesg",
		     dev, h->key, strerror(errno));
		return KX_KERNEL;
	}
	n = kb_pkey_sign(vk->serial, hdr, KSEAL_VOL_OFF_CHECK, sig,
			 sizeof(sig));
	if (n != KSEAL_VOL_CHECK_SIZE) {
		vkerr("volume: signing with data key '%s' failed: %s; see dmesg",
		     h->key, n < 0 ? strerror(errno) : "short signature");
		return KX_KERNEL;
	}
	if (memcmp(sig, h->check, 4)) {
		vkerr("volume: data key '%s' was rotated since %s was formatted (version %u then, %u now): its logon key would not decrypt the volume; nothing opened",
		     h->key, dev,
		     (unsigned int)(h->check[0] << 24 | h->check[1] << 16 |
				    h->check[2] << 8 | h->check[3]),
		     (unsigned int)(sig[0] << 24 | sig[1] << 16 |
				    sig[2] << 8 | sig[3]));
		return KX_REFUSED;
	}
	return KX_OK;
}

static int header_refused(const char *dev, enum kvol_err e, const char *why)
{
	if (e == KVOL_FIELD)
		kerr("volume: %s: %s (%s); nothing opened", dev,
		     kvol_err_str(e), why);
	else
		kerr("volume: %s: %s; nothing opened", dev, kvol_err_str(e));
	return KX_REFUSED;
}

/* Refuses a device whose size does not hold the data area. */
static int size_ok(const char *dev, uint64_t size, const struct kvol_header *h)
{
	if (size >= h->data_offset &&
	    size - h->data_offset >= h->data_size)
		return KX_OK;
	kerr("volume: %s is too small: %llu bytes, the header needs %llu; a truncated or wrong device, nothing opened",
	     dev, (unsigned long long)size,
	     (unsigned long long)(h->data_offset + h->data_size));
	return KX_REFUSED;
}

struct vopen {
	const char *name, *device, *key;	/* key: NULL, any */
	uint32_t sector_size;			/* 0: any */
	bool readonly, discard;
};

static int open_one(const struct vopen *o)
{
	uint8_t hdr[KSEAL_VOL_HDR_SIZE];
	struct kvol_header h;
	struct kdm_info info;
	char uuid[130], params[512];
	const char *why;
	enum kvol_err e;
	struct vkey vk;
	uint64_t size;
	dev_t rdev;
	int rc;

	rc = read_header(o->device, hdr, &size, &rdev);
	if (rc)
		return rc;
	e = kvol_header_parse(hdr, sizeof(hdr), &h, &why);
	if (e)
		return header_refused(o->device, e, why);
	if (o->key && strcmp(o->key, h.key)) {
		kerr("volume: %s: the volumes file names key '%s', the header key '%s'; nothing opened",
		     o->device, o->key, h.key);
		return KX_REFUSED;
	}
	if (o->sector_size && o->sector_size != h.sector_size) {
		kerr("volume: %s: sector-size=%u in the volumes file, %u in the header; nothing opened",
		     o->device, o->sector_size, h.sector_size);
		return KX_REFUSED;
	}
	rc = size_ok(o->device, size, &h);
	if (rc)
		return rc;
	dm_uuid(&h, o->name, uuid, sizeof(uuid));
	if (kdm_info(o->name, &info)) {
		kerr("volume: device-mapper: %s: %s; is dm_mod loaded?",
		     kdm_last_error(), strerror(errno));
		return KX_KERNEL;
	}
	if (info.exists) {
		if (!strcmp(info.uuid, uuid)) {
			kinfo("volume %s is already open", o->name);
			return KX_OK;
		}
		kerr("volume: a device-mapper device '%s' exists and is not this volume; close it or pick another name",
		     o->name);
		return KX_REFUSED;
	}
	rc = find_key(h.key, &vk);
	if (!rc)
		rc = verify_key(o->device, hdr, &h, &vk);
	if (!rc)
		rc = key_reachable(&vk);
	if (rc)
		return rc;
	crypt_params(&h, vk.logon, rdev, o->discard, params, sizeof(params));
	if (kdm_create_crypt(o->name, uuid, h.data_size / 512, params,
			     o->readonly)) {
		kerr("volume: creating /dev/mapper/%s failed: %s (%s); is dm_crypt loaded and the device free?",
		     o->name, strerror(errno), kdm_last_error());
		return KX_KERNEL;
	}
	kinfo("opened /dev/mapper/%s (%s, key %s%s)", o->name, o->device,
	      h.key, o->readonly ? ", read-only" : "");
	return KX_OK;
}

static void entry_open(const struct kvol_entry *e, struct vopen *o)
{
	memset(o, 0, sizeof(*o));
	o->name = e->name;
	o->device = e->device;
	o->key = e->key;
	o->sector_size = e->sector_size;
	o->readonly = e->opts & KVOL_OPT_READONLY;
	o->discard = e->opts & KVOL_OPT_DISCARD;
}

static int vol_open(int argc, char **argv, const struct vargs *a)
{
	struct kvol_table t;
	const struct kvol_entry *e;
	struct vopen o;
	size_t i, failed = 0, tried = 0;
	int rc;

	if (a->all || a->initramfs) {
		if (optind != argc) {
			kerr("volume open: --all and --initramfs take no NAME");
			return KX_USAGE;
		}
		rc = read_table(a->volumes, &t);
		if (rc)
			return rc;
		for (i = 0; i < t.n; i++) {
			if (a->initramfs && !(t.e[i].opts & KVOL_OPT_INITRAMFS))
				continue;
			entry_open(&t.e[i], &o);
			tried++;
			/* nofail: reported, but the others' outcome counts. */
			if (open_one(&o) && !(t.e[i].opts & KVOL_OPT_NOFAIL))
				failed++;
		}
		kvol_table_free(&t);
		return !failed ? KX_OK : failed == tried ? KX_KERNEL : KX_PARTIAL;
	}
	if (optind != argc - 1) {
		kerr("volume open: give one NAME of %s or one DEVICE with --name; see ksealctl volume --help",
		     a->volumes);
		return KX_USAGE;
	}
	if (argv[optind][0] == '/') {
		if (!a->name || !kvol_valid_name(a->name)) {
			kerr("volume open: DEVICE needs --name NAME (letters, digits, '.', '_', '-')");
			return KX_USAGE;
		}
		memset(&o, 0, sizeof(o));
		o.name = a->name;
		o.device = argv[optind];
		o.readonly = a->readonly;
		o.discard = a->discard;
		return open_one(&o);
	}
	if (a->name || a->readonly || a->discard) {
		kerr("volume open: --name, --readonly and --discard go with a DEVICE; a NAME takes its options from %s",
		     a->volumes);
		return KX_USAGE;
	}
	rc = read_table(a->volumes, &t);
	if (rc)
		return rc;
	e = kvol_table_find(&t, argv[optind]);
	if (!e) {
		kerr("volume open: no volume '%s' in %s; add it there or give the DEVICE",
		     argv[optind], a->volumes);
		kvol_table_free(&t);
		return KX_USAGE;
	}
	entry_open(e, &o);
	rc = open_one(&o);
	kvol_table_free(&t);
	return rc;
}

static int vol_close(int argc, char **argv)
{
	struct kdm_info info;
	const char *name;

	if (optind != argc - 1 || !kvol_valid_name(argv[optind])) {
		kerr("volume close: give one volume NAME; see ksealctl volume list");
		return KX_USAGE;
	}
	name = argv[optind];
	if (kdm_info(name, &info)) {
		kerr("volume close: device-mapper: %s: %s", kdm_last_error(),
		     strerror(errno));
		return KX_KERNEL;
	}
	if (!info.exists) {
		kerr("volume close: no open volume '%s'; see ksealctl volume list",
		     name);
		return KX_USAGE;
	}
	if (strncmp(info.uuid, KDM_UUID_PREFIX, strlen(KDM_UUID_PREFIX))) {
		kerr("volume close: /dev/mapper/%s is not a kseal volume; leaving it alone (dmsetup remove)",
		     name);
		return KX_REFUSED;
	}
	if (kdm_remove(name)) {
		kerr("volume close: removing /dev/mapper/%s failed: %s%s",
		     name, strerror(errno), errno == EBUSY ?
		     "; it is in use: unmount it first" : "");
		return KX_KERNEL;
	}
	kinfo("closed /dev/mapper/%s", name);
	return KX_OK;
}

/* O_EXCL: refused while mounted, mapped or held by anyone. */
static int open_excl(const char *dev, uint64_t *size)
{
	int fd = open(dev, O_RDWR | O_EXCL | O_CLOEXEC);

	if (fd < 0) {
		kerr("volume format: cannot open %s for writing: %s%s", dev,
		     strerror(errno), errno == EBUSY ?
		     " (mounted, mapped or held by another program)" : "");
		return -1;
	}
	if (dev_size(fd, dev, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* What is on the device now: libblkid's signatures and ours. */
static int occupied(int fd, const char *dev, bool force)
{
	uint8_t hdr[KSEAL_VOL_HDR_SIZE];
	const char *type = NULL, *what = NULL;
	blkid_probe pr;
	int r;

	if (pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
	    !memcmp(hdr, KSEAL_VOL_MAGIC, KSEAL_VOL_MAGIC_SIZE))
		what = "a kseal volume";
	pr = blkid_new_probe();
	if (!pr || blkid_probe_set_device(pr, fd, 0, 0)) {
		kerr("volume format: libblkid cannot probe %s", dev);
		if (pr)
			blkid_free_probe(pr);
		return KX_KERNEL;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	r = blkid_do_safeprobe(pr);
	if (r == -2)
		what = "several signatures";
	else if (!r && !blkid_probe_lookup_value(pr, "TYPE", &type, NULL))
		what = type;
	else if (!r && !blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL))
		what = type;
	else if (!r)
		what = "a signature";
	if (what && !force)
		kerr("volume format: %s holds %s; nothing written (--force overwrites it)",
		     dev, what);
	else if (what)
		kinfo("%s held %s; overwriting (--force)", dev, what);
	blkid_free_probe(pr);
	return what && !force ? KX_REFUSED : KX_OK;
}

/*
 * The table the volume will get, made read-only and removed again: the
 * kernel accepts the cipher, key size and sector size, and finds the
 * logon key, before anything is written.
 */
static int trial_map(const struct kvol_header *h, const struct vkey *vk,
		     dev_t rdev, const char *dev)
{
	char name[64], uuid[130], params[512];

	snprintf(name, sizeof(name), "kseal-format-%d", (int)getpid());
	dm_uuid(h, name, uuid, sizeof(uuid));
	crypt_params(h, vk->logon, rdev, false, params, sizeof(params));
	if (kdm_create_crypt(name, uuid, h->data_size / 512, params, true)) {
		kerr("volume format: dm-crypt refuses cipher %s with a %u-byte key and %u-byte sectors on %s: %s (%s); nothing written",
		     h->cipher, h->key_size, h->sector_size, dev,
		     strerror(errno), kdm_last_error());
		return KX_REFUSED;
	}
	if (kdm_remove(name)) {
		kerr("volume format: removing the trial mapping %s failed: %s; run dmsetup remove %s",
		     name, strerror(errno), name);
		return KX_KERNEL;
	}
	return KX_OK;
}

static int write_all(int fd, const uint8_t *hdr, uint64_t data_offset)
{
	static const uint8_t zero[65536];
	uint64_t off;

	if (pwrite(fd, hdr, KSEAL_VOL_HDR_SIZE, 0) != KSEAL_VOL_HDR_SIZE)
		return -1;
	/* Whatever signature was there must not outlive the format. */
	for (off = KSEAL_VOL_HDR_SIZE; off < data_offset;) {
		size_t n = data_offset - off < sizeof(zero) ?
			   (size_t)(data_offset - off) : sizeof(zero);

		if (pwrite(fd, zero, n, (off_t)off) != (ssize_t)n)
			return -1;
		off += n;
	}
	return fsync(fd);
}

static int vol_format(int argc, char **argv, const struct vargs *a)
{
	uint8_t hdr[KSEAL_VOL_HDR_SIZE];
	struct kvol_header h = { 0 };
	const char *dev, *why;
	struct vkey vk;
	char u[37];
	uint64_t size;
	struct stat s;
	int fd, rc;
	long n;

	if (optind != argc - 1 || argv[optind][0] != '/' || !a->key) {
		kerr("volume format: give one DEVICE (a path) and --key NAME; see ksealctl volume --help");
		return KX_USAGE;
	}
	dev = argv[optind];
	if (!kvol_valid_cipher(a->cipher) || (a->label && !kvol_valid_label(a->label)) ||
	    !kvol_valid_name(a->key) || strlen(a->key) >= KSEAL_VOL_KEY_SIZE) {
		kerr("volume format: bad --cipher, --label or --key (cipher like aes-xts-plain64; a printable label of at most %d bytes)",
		     KSEAL_VOL_LABEL_SIZE - 1);
		return KX_USAGE;
	}
	rc = find_key(a->key, &vk);
	if (rc)
		return rc;
	fd = open_excl(dev, &size);
	if (fd < 0)
		return KX_USAGE;
	rc = occupied(fd, dev, a->force);
	if (rc)
		goto out;
	if (fstat(fd, &s)) {
		kerr("volume format: cannot stat %s: %s", dev, strerror(errno));
		rc = KX_KERNEL;
		goto out;
	}
	close(fd);
	fd = -1;
	if (size < KSEAL_VOL_DATA_OFFSET + KSEAL_VOL_DATA_MIN) {
		kerr("volume format: %s has %llu bytes; a volume needs at least %d (1 MiB header area, 1 MiB data)",
		     dev, (unsigned long long)size,
		     KSEAL_VOL_DATA_OFFSET + KSEAL_VOL_DATA_MIN);
		return KX_REFUSED;
	}
	if (getrandom(h.uuid, sizeof(h.uuid), 0) != sizeof(h.uuid)) {
		kerr("volume format: getrandom: %s", strerror(errno));
		return KX_KERNEL;
	}
	h.uuid[6] = (h.uuid[6] & 0x0f) | 0x40;	/* version 4 */
	h.uuid[8] = (h.uuid[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(h.label, sizeof(h.label), "%s", a->label ? a->label : "");
	snprintf(h.cipher, sizeof(h.cipher), "%s", a->cipher);
	snprintf(h.key, sizeof(h.key), "%s", a->key);
	h.key_size = (uint32_t)vk.bytes;
	h.sector_size = (uint32_t)a->sector;
	h.data_offset = KSEAL_VOL_DATA_OFFSET;
	h.data_size = (size - h.data_offset) / a->sector * a->sector;
	/* The check value signs the header up to itself. */
	if (!kvol_header_build(&h, hdr, &why)) {
		kerr("volume format: bad header field: %s", why);
		return KX_USAGE;
	}
	n = kb_pkey_sign(vk.serial, hdr, KSEAL_VOL_OFF_CHECK, h.check,
			 sizeof(h.check));
	if (n != KSEAL_VOL_CHECK_SIZE) {
		kerr("volume format: signing the header with data key '%s' failed: %s; see dmesg",
		     a->key, n < 0 ? strerror(errno) : "short signature");
		return KX_KERNEL;
	}
	if (!kvol_header_build(&h, hdr, &why)) {
		kerr("volume format: bad header field: %s", why);
		return KX_USAGE;
	}
	rc = key_reachable(&vk);
	if (!rc)
		rc = trial_map(&h, &vk, s.st_rdev, dev);
	if (rc)
		return rc;
	fd = open_excl(dev, &size);
	if (fd < 0)
		return KX_USAGE;
	if (write_all(fd, hdr, h.data_offset)) {
		kerr("volume format: writing the header of %s failed: %s; the device holds no usable volume, format it again",
		     dev, strerror(errno));
		rc = KX_KERNEL;
		goto out;
	}
	kvol_uuid_str(h.uuid, u);
	kinfo("formatted %s: kseal volume %s, key %s, %s, %u-byte sectors, %llu bytes of data from byte %llu",
	      dev, u, h.key, h.cipher, h.sector_size,
	      (unsigned long long)h.data_size,
	      (unsigned long long)h.data_offset);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Header fields as JSON, or as "field: value" lines. */
static void show_header(const char *dev, const struct kvol_header *h,
			json_object *o)
{
	char u[37];

	kvol_uuid_str(h->uuid, u);
	if (o) {
		json_object_object_add(o, "device", json_object_new_string(dev));
		json_object_object_add(o, "uuid", json_object_new_string(u));
		json_object_object_add(o, "label", json_object_new_string(h->label));
		json_object_object_add(o, "cipher", json_object_new_string(h->cipher));
		json_object_object_add(o, "key", json_object_new_string(h->key));
		json_object_object_add(o, "key_size", json_object_new_int((int)h->key_size));
		json_object_object_add(o, "sector_size", json_object_new_int((int)h->sector_size));
		json_object_object_add(o, "data_offset", json_object_new_int64((int64_t)h->data_offset));
		json_object_object_add(o, "data_size", json_object_new_int64((int64_t)h->data_size));
		return;
	}
	printf("device:      %s\nuuid:        %s\nlabel:       %s\ncipher:      %s\n"
	       "key:         %s (%u bytes)\nsector size: %u\ndata:        %llu bytes from byte %llu\n",
	       dev, u, h->label, h->cipher, h->key, h->key_size,
	       h->sector_size, (unsigned long long)h->data_size,
	       (unsigned long long)h->data_offset);
}

static int vol_status(int argc, char **argv, const struct vargs *a)
{
	uint8_t hdr[KSEAL_VOL_HDR_SIZE];
	struct kvol_header h;
	struct kdm_info info = { 0 };
	struct kvol_table t = { 0 };
	const struct kvol_entry *e = NULL;
	const char *dev, *name = NULL, *why, *keyst;
	json_object *o = NULL;
	enum kvol_err err;
	char uuid[130];
	uint64_t size;
	dev_t rdev;
	int rc;

	if (optind != argc - 1) {
		kerr("volume status: give one NAME of %s or one DEVICE",
		     a->volumes);
		return KX_USAGE;
	}
	dev = argv[optind];
	if (dev[0] != '/') {
		rc = read_table(a->volumes, &t);
		if (rc)
			return rc;
		e = kvol_table_find(&t, dev);
		if (!e) {
			kerr("volume status: no volume '%s' in %s", dev,
			     a->volumes);
			kvol_table_free(&t);
			return KX_USAGE;
		}
		name = e->name;
		dev = e->device;
	}
	rc = read_header(dev, hdr, &size, &rdev);
	if (rc)
		goto out;
	err = kvol_header_parse(hdr, sizeof(hdr), &h, &why);
	if (err) {
		rc = header_refused(dev, err, why);
		goto out;
	}
	if (g.json)
		o = json_object_new_object();
	show_header(dev, &h, o);
	/* The key check, quietly: its own errors become the status line. */
	{
		struct vkey vk;

		quiet = true;
		rc = find_key(h.key, &vk);
		if (!rc)
			rc = verify_key(dev, hdr, &h, &vk);
		quiet = false;
		keyst = rc == KX_OK ? "loaded, key check value matches" :
			rc == KX_REFUSED ? "loaded, but NOT the key of this volume (or rotated since format)" :
			"not loaded";
	}
	rc = size_ok(dev, size, &h);
	if (name) {
		dm_uuid(&h, name, uuid, sizeof(uuid));
		if (kdm_info(name, &info))
			memset(&info, 0, sizeof(info));
	}
	if (o) {
		json_object_object_add(o, "key_status", json_object_new_string(keyst));
		json_object_object_add(o, "size_ok", json_object_new_boolean(!rc));
		if (name) {
			json_object_object_add(o, "name", json_object_new_string(name));
			json_object_object_add(o, "open", json_object_new_boolean(info.exists && !strcmp(info.uuid, uuid)));
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		printf("key status:  %s\n", keyst);
		if (name)
			printf("mapping:     /dev/mapper/%s %s\n", name,
			       !info.exists ? "not open" :
			       strcmp(info.uuid, uuid) ? "exists but is NOT this volume" :
			       info.read_only ? "open, read-only" : "open");
	}
out:
	kvol_table_free(&t);
	return rc;
}

static int vol_list(int argc, const struct vargs *a)
{
	struct kvol_table t;
	json_object *arr = NULL;
	char **open_names;
	size_t i, j, nopen = 0;
	int rc;

	if (optind != argc) {
		kerr("volume list: takes no arguments");
		return KX_USAGE;
	}
	rc = read_table(a->volumes, &t);
	if (rc)
		return rc;
	if (kdm_list(&open_names, &nopen)) {
		open_names = NULL;
		nopen = 0;
	}
	if (g.json)
		arr = json_object_new_array();
	else
		printf("%-16s %-32s %-16s %-6s %s\n", "NAME", "DEVICE", "KEY",
		       "OPEN", "OPTIONS");
	for (i = 0; i < t.n; i++) {
		const struct kvol_entry *e = &t.e[i];
		bool is_open = false;
		char opts[96] = "";

		for (j = 0; j < nopen; j++)
			is_open |= !strcmp(open_names[j], e->name);
		if (e->opts & KVOL_OPT_DISCARD)
			strcat(opts, "discard,");
		if (e->opts & KVOL_OPT_READONLY)
			strcat(opts, "readonly,");
		if (e->opts & KVOL_OPT_NOFAIL)
			strcat(opts, "nofail,");
		if (e->opts & KVOL_OPT_INITRAMFS)
			strcat(opts, "initramfs,");
		if (e->sector_size)
			snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts),
				 "sector-size=%u,", e->sector_size);
		if (opts[0])
			opts[strlen(opts) - 1] = '\0';
		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name", json_object_new_string(e->name));
			json_object_object_add(o, "device", json_object_new_string(e->device));
			json_object_object_add(o, "key", json_object_new_string(e->key));
			json_object_object_add(o, "open", json_object_new_boolean(is_open));
			json_object_object_add(o, "options", json_object_new_string(opts));
			json_object_array_add(arr, o);
		} else {
			printf("%-16s %-32s %-16s %-6s %s\n", e->name, e->device,
			       e->key, is_open ? "yes" : "no",
			       opts[0] ? opts : "-");
		}
	}
	/* Open kseal volumes the file does not declare (opened by hand). */
	for (j = 0; j < nopen; j++) {
		if (kvol_table_find(&t, open_names[j]))
			continue;
		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name", json_object_new_string(open_names[j]));
			json_object_object_add(o, "open", json_object_new_boolean(true));
			json_object_array_add(arr, o);
		} else {
			printf("%-16s %-32s %-16s %-6s %s\n", open_names[j],
			       "(not in the volumes file)", "-", "yes", "-");
		}
	}
	if (arr) {
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY));
		json_object_put(arr);
	}
	for (j = 0; j < nopen; j++)
		free(open_names[j]);
	free(open_names);
	kvol_table_free(&t);
	return KX_OK;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -1;
	if (fputs(text, f) < 0) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* @dir/@sub/@unit -> ../@unit */
static int add_link(const char *dir, const char *sub, const char *unit)
{
	char path[PATH_MAX], target[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, sub) >= (int)sizeof(path) ||
	    (mkdir(path, 0755) && errno != EEXIST) ||
	    snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, unit) >= (int)sizeof(path) ||
	    snprintf(target, sizeof(target), "../%s", unit) >= (int)sizeof(target))
		return -1;
	if (symlink(target, path) && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * The systemd generator: one unit per line, required by cryptsetup.target
 * (wanted, for nofail) and by /dev/mapper/NAME's device unit, so that an
 * fstab line for the mapping pulls it in.
 */
static int vol_generate(int argc, char **argv, const struct vargs *a)
{
	char self[PATH_MAX], unit[512], dev[1024], path[PATH_MAX], mapper[128];
	char text[4096];
	struct kvol_table t;
	const char *dir;
	ssize_t n;
	size_t i;
	int rc;

	if (optind >= argc || optind + 3 < argc || argv[optind][0] != '/') {
		kerr("volume generate: give the generator's output directory (systemd passes three)");
		return KX_USAGE;
	}
	dir = argv[optind];
	if (strpbrk(a->volumes, " \t\n\"'\\%$") || a->volumes[0] != '/') {
		kerr("volume generate: the volumes file path must be absolute, without spaces, quotes or '%%'");
		return KX_USAGE;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		kerr("volume generate: cannot find ksealctl's own path: %s",
		     strerror(errno));
		return KX_KERNEL;
	}
	self[n] = '\0';
	rc = read_table(a->volumes, &t);
	if (rc)
		return rc;
	for (i = 0; i < t.n && !rc; i++) {
		const struct kvol_entry *e = &t.e[i];

		snprintf(mapper, sizeof(mapper), "/dev/mapper/%s", e->name);
		if (!kvol_unit_name(e->name, unit, sizeof(unit)) ||
		    !kvol_device_unit(mapper, dev, sizeof(dev)) ||
		    !kvol_unit_text(e, self, a->volumes, text, sizeof(text)) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, unit) >= (int)sizeof(path)) {
			kerr("volume generate: %s line %u: name or device too long for a unit",
			     a->volumes, e->line);
			rc = KX_STATE;
			break;
		}
		if (write_file(path, text) ||
		    add_link(dir, e->opts & KVOL_OPT_NOFAIL ?
			     "cryptsetup.target.wants" :
			     "cryptsetup.target.requires", unit) ||
		    snprintf(path, sizeof(path), "%s.requires", dev) >= (int)sizeof(path) ||
		    add_link(dir, path, unit)) {
			kerr("volume generate: writing %s in %s failed: %s",
			     unit, dir, strerror(errno));
			rc = KX_KERNEL;
		}
	}
	kvol_table_free(&t);
	return rc;
}

int cmd_volume(int argc, char **argv)
{
	static const char *const subs[] = {
		"format", "open", "close", "status", "list", "generate",
	};
	struct vargs a;
	const char *sub;
	size_t i;
	int rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			fputs(help, stdout);
			return KX_OK;
		}
		kerr("volume: give a subcommand: format, open, close, status, list or generate; see ksealctl volume --help");
		return KX_USAGE;
	}
	sub = argv[1];
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(sub, subs[i]))
			break;
	if (i == sizeof(subs) / sizeof(subs[0])) {
		kerr("volume: unknown subcommand '%s'; see ksealctl volume --help",
		     sub);
		return KX_USAGE;
	}
	g.argv = argv + 1;
	if (parse_args(argc - 1, argv + 1, &a, &rc))
		return rc;
	argc--;
	argv++;
	if (!strcmp(sub, "format"))
		return vol_format(argc, argv, &a);
	if (!strcmp(sub, "open"))
		return vol_open(argc, argv, &a);
	if (!strcmp(sub, "close"))
		return vol_close(argc, argv);
	if (!strcmp(sub, "status"))
		return vol_status(argc, argv, &a);
	if (!strcmp(sub, "list"))
		return vol_list(argc, &a);
	return vol_generate(argc, argv, &a);
}
