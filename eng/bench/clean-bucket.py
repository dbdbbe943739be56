#!/usr/bin/env python3
"""The bucket of the clean benchmark (eng/bench/clean.sh), written straight to S3 with boto3.

  clean-bucket.py fill   --bucket B [--tags N] [--blobs N] [--seed S] --plan FILE
  clean-bucket.py expect --plan FILE [--grace-zero]        what a clean run at this moment should delete
  clean-bucket.py counts --report FILE                     the counts of a `clean --output json` report
  clean-bucket.py verify --bucket B --plan FILE            after `clean --confirm --grace 0s`
  clean-bucket.py remove --bucket B                        every object, then the bucket

Endpoint and keys: --endpoint or S3LO_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_REGION (eng/services.sh env prints them).

`fill` writes the SPEC section 2 layout: blobs/sha256/<hex>, manifests/<image>/<tag>/{manifest.json,
oci-layout,history.json} and s3lo.yaml (keep_last 10, max_age 90d). Images are pushed like real
ones: a distro base layer shared by many images, an image base layer shared by all its tags, a
dependencies layer that changes every few tags, then layers and a config unique to the tag. Every
fifth image is multi-arch (an index whose amd64 and arm64 manifests are blobs); some images carry a
`latest` tag on the same manifest as their newest version; some tags were pushed twice (two
history entries). Tags are pushed over the last 200 days, never within a day of max_age, so the
rules decide every tag the same way for the whole run. The rest of --blobs are orphans: blobs
no manifest names, written now. Every byte comes from --seed; only pushed_at depends on the time
of the fill (the plan records it). Blob bodies are a few hundred random bytes: the benchmark
measures listing and reachability, not transfer.

The plan (JSON) lists every tag (pushed_at, manifest digest and md5, the blobs it reaches) and
every blob (size, md5), so `expect` and `verify` need no second look at the generator.
"""
import argparse
import concurrent.futures as futures
import hashlib
import hmac
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

DAY = 86400
KEEP_LAST, MAX_AGE_DAYS = 10, 90
CONFIG_YAML = b"""# s3lo bucket configuration (written by eng/bench/clean-bucket.py)
default:
  lifecycle:
    keep_last: 10
    max_age: 90d
"""
OCI_LAYOUT = b'{"imageLayoutVersion":"1.0.0"}'
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
PLATFORMS = {"amd64": {"architecture": "amd64", "os": "linux"},
             "arm64": {"architecture": "arm64", "os": "linux", "variant": "v8"}}


def log(msg):
    print(f"clean-bucket: {msg}", file=sys.stderr, flush=True)


def endpoint_of(args):
    endpoint = args.endpoint or os.environ.get("S3LO_TEST_S3_ENDPOINT")
    if not endpoint:
        sys.exit("clean-bucket: no endpoint: pass --endpoint or eval \"$(eng/services.sh env)\"")
    return endpoint


def s3_client(args):
    import boto3
    from botocore.config import Config
    endpoint = endpoint_of(args)
    options = dict(max_pool_connections=max(args.workers, 10), retries={"max_attempts": 8, "mode": "standard"},
                   s3={"addressing_style": "path"})
    try:  # Ceph RGW refuses the aws-chunked trailer uploads botocore 1.36+ sends by default
        config = Config(request_checksum_calculation="when_required", response_checksum_validation="when_required",
                        **options)
    except TypeError:  # an older botocore (Debian 12's python3-boto3) sends none
        config = Config(**options)
    return boto3.client("s3", endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"),
                        config=config)


def canonical(doc):
    return json.dumps(doc, separators=(",", ":"), sort_keys=False).encode()


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


# ------------------------------------------------------------------------------------------ fill
class RawPut:
    """PutObject over one keep-alive connection per thread, signed with SigV4 and UNSIGNED-PAYLOAD.
    boto3 spends about 2 ms of CPU per request: on this 2-core host that caps the fill near 300 PUT/s."""

    def __init__(self, endpoint, bucket):
        url = urllib.parse.urlsplit(endpoint)
        self.https, self.host, self.bucket = url.scheme == "https", url.netloc, bucket
        self.base = url.path.rstrip("/")
        self.key_id, self.secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
        self.region = os.environ.get("AWS_REGION", "us-east-1")
        self.local = threading.local()
        self.signing = {}

    def _key(self, day):
        if day not in self.signing:
            k = ("AWS4" + self.secret).encode()
            for part in (day, self.region, "s3", "aws4_request"):
                k = hmac.new(k, part.encode(), hashlib.sha256).digest()
            self.signing[day] = k
        return self.signing[day]

    def put(self, key, body):
        path = f"{self.base}/{self.bucket}/{urllib.parse.quote(key, safe='/-_.~')}"
        for attempt in range(6):
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
            headers = {"host": self.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": stamp}
            signed = ";".join(headers)
            canonical_request = "\n".join(["PUT", path, "", "".join(f"{k}:{v}\n" for k, v in headers.items()),
                                           signed, "UNSIGNED-PAYLOAD"])
            scope = f"{stamp[:8]}/{self.region}/s3/aws4_request"
            to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope,
                                 hashlib.sha256(canonical_request.encode()).hexdigest()])
            signature = hmac.new(self._key(stamp[:8]), to_sign.encode(), hashlib.sha256).hexdigest()
            headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.key_id}/{scope}, "
                                        f"SignedHeaders={signed}, Signature={signature}")
            headers["Content-Length"] = str(len(body))
            try:
                conn = getattr(self.local, "conn", None)
                if conn is None:
                    kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
                    conn = self.local.conn = kind(self.host, timeout=60)
                conn.request("PUT", path, body=body, headers=headers)
                response = conn.getresponse()
                detail = response.read()
                if response.status == 200:
                    return
                if response.status < 500 or attempt == 5:
                    raise RuntimeError(f"HTTP {response.status}: {detail[:200]!r}")
            except (OSError, http.client.HTTPException):
                self.local.conn = None
                if attempt == 5:
                    raise
            time.sleep(0.2 * 2 ** attempt)


class Uploader:
    """Parallel PUTs with a bounded number in flight; counts them and keeps the first errors."""

    def __init__(self, put, workers):
        self.raw_put = put
        self.pool = futures.ThreadPoolExecutor(workers)
        self.slots = threading.BoundedSemaphore(workers * 4)
        self.done = 0
        self.errors = []
        self.lock = threading.Lock()

    def put(self, key, body):
        if self.errors:
            raise SystemExit(f"clean-bucket: PUT {self.errors[0][0]} failed: {self.errors[0][1]}")
        self.slots.acquire()
        self.pool.submit(self._put, key, body)

    def _put(self, key, body):
        try:
            self.raw_put(key, body)
            with self.lock:
                self.done += 1
        except Exception as e:  # reported by the next put() or by close()
            self.errors.append((key, e))
        finally:
            self.slots.release()

    def close(self):
        self.pool.shutdown(wait=True)
        if self.errors:
            raise SystemExit(f"clean-bucket: {len(self.errors)} PUTs failed; first: {self.errors[0][0]}: {self.errors[0][1]}")


class Generator:
    def __init__(self, args, uploader, now):
        self.rng = random.Random(args.seed)
        self.up, self.now = uploader, now
        self.blobs = {}  # hex -> [size, md5]
        self.manifest_blobs = set()  # the platform manifests of indexes
        self.tags = []

    def blob(self, body):
        hex_ = hashlib.sha256(body).hexdigest()
        if hex_ not in self.blobs:
            self.blobs[hex_] = [len(body), hashlib.md5(body).hexdigest()]
            self.up.put("blobs/sha256/" + hex_, body)
        return {"digest": "sha256:" + hex_, "size": len(body)}

    def layer(self):
        return dict(mediaType=MT_LAYER, **self.blob(self.rng.randbytes(self.rng.randint(200, 900))))

    def image_manifest(self, name, tag, arch, layers, created):
        config = canonical({
            "architecture": PLATFORMS[arch]["architecture"], "os": "linux", "created": created,
            "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                       "Cmd": [f"/app/{name.rsplit('/', 1)[-1]}"],
                       "Labels": {"org.opencontainers.image.title": name, "org.opencontainers.image.version": tag}},
            "rootfs": {"type": "layers",
                       "diff_ids": ["sha256:" + hashlib.sha256(l["digest"].encode()).hexdigest() for l in layers]},
        })
        return canonical({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                          "config": dict(mediaType=MT_CONFIG, **self.blob(config)), "layers": layers})

    def tag_ages(self, count):
        """Distinct push ages (seconds), oldest first, never within a day of max_age."""
        r = self.rng.random()
        newest = self.rng.uniform(0, 20 * DAY) if r < .6 else self.rng.uniform(20 * DAY, 80 * DAY) if r < .85 \
            else self.rng.uniform(80 * DAY, 150 * DAY)
        oldest = min(200 * DAY, newest + self.rng.uniform(15 * DAY, 200 * DAY))
        ages = sorted({int(self.rng.uniform(newest, oldest)) for _ in range(count * 2)}, reverse=True)
        ages = [a for a in ages if abs(a - MAX_AGE_DAYS * DAY) > DAY]
        while len(ages) < count:  # a span too narrow to give distinct ages: spread by the hour
            ages.append(ages[-1] - 3600 if ages else int(newest))
        return sorted(self.rng.sample(ages, count), reverse=True)

    def run(self, n_tags, n_blobs, n_images):
        reachable_target = n_blobs - n_blobs // 5
        distro = {}  # the distro base layers many images share, written on first use
        tags_done = 0
        # busy images have dozens of tags, quiet ones a few (20 on average with the defaults)
        weights = [self.rng.uniform(.2, 1.8) for _ in range(n_images)]
        counts = [max(1, int(n_tags * w / sum(weights))) for w in weights]
        for k in range(n_tags - sum(counts)):
            counts[k % n_images] += 1
        for i in range(n_images):
            name = [f"svc-{i:03d}", f"team-{i % 12:02d}/api-{i:03d}", f"org/team-{i % 5}/worker-{i:03d}",
                    f"tools/build-{i:03d}-cache"][i % 4]
            count = counts[i]
            arches = ["amd64", "arm64"] if i % 5 == 0 else ["amd64"]
            alias = i % 7 == 3 and count >= 2
            base = {a: [distro.get((a, d)) or distro.setdefault((a, d), self.layer()), self.layer()]
                    for a in arches for d in [self.rng.randrange(12)]}
            deps = {}
            ages = self.tag_ages(count - (1 if alias else 0))
            created = iso(1767225600 + i * 3600)  # 2026-01-01 + i hours: content must not depend on the clock
            last = None
            for j, age in enumerate(ages):
                tag = f"v1.{j // 10}.{j % 10}"
                tags_done += 1
                # unique layers per platform so the blob total tracks --blobs tag by tag
                fixed = len(arches) * (2 if len(arches) > 1 else 1) + (len(arches) if j % 4 == 0 else 0)
                want = reachable_target * tags_done // n_tags - len(self.blobs) - fixed
                per_arch = max(1, min(6, round(want / len(arches))))
                platforms = []
                for a in arches:
                    if j % 4 == 0:
                        deps[a] = self.layer()
                    layers = base[a] + [deps[a]] + [self.layer() for _ in range(per_arch)]
                    platforms.append((a, self.image_manifest(name, tag, a, layers, created)))
                reach = set()
                for _, m in platforms:
                    reach |= self.reach(m)
                if len(arches) == 1:
                    body = platforms[0][1]
                else:
                    body = canonical({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [
                        dict(mediaType=MT_MANIFEST, **self.blob(m), platform=PLATFORMS[a]) for a, m in platforms]})
                    reach |= self.reach(body)
                    self.manifest_blobs |= {hashlib.sha256(m).hexdigest() for _, m in platforms}
                last = self.write_tag(name, tag, body, reach, self.now - age)
            if alias:
                self.write_tag(name, "latest", last["body"], set(last["blobs"]), last["pushed_at"] + 60)
        orphans = []
        while len(self.blobs) < n_blobs:
            body = self.rng.randbytes(self.rng.randint(200, 900))
            orphans.append(self.blob(body)["digest"][7:])
        self.up.put("s3lo.yaml", CONFIG_YAML)
        for t in self.tags:
            del t["body"]
        return orphans

    def write_tag(self, name, tag, body, reach, pushed_at):
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        size = sum(self.blobs[h][0] for h in reach)
        history = [{"pushed_at": iso(pushed_at), "digest": digest, "size_bytes": size}]
        if self.rng.random() < .1:  # pushed twice: the first push's manifest is long gone
            history.append({"pushed_at": iso(pushed_at - self.rng.randint(3600, 5 * DAY)),
                            "digest": "sha256:" + hashlib.sha256(self.rng.randbytes(32)).hexdigest(),
                            "size_bytes": size})
        prefix = f"manifests/{name}/{tag}/"
        self.up.put(prefix + "manifest.json", body)
        self.up.put(prefix + "oci-layout", OCI_LAYOUT)
        self.up.put(prefix + "history.json", canonical(history))
        entry = {"image": name, "tag": tag, "pushed_at": pushed_at, "digest": digest, "index": MT_INDEX in body.decode(),
                 "md5": hashlib.md5(body).hexdigest(), "size": len(body), "blobs": sorted(reach), "body": body}
        self.tags.append(entry)
        return entry

    @staticmethod
    def reach(body):
        """The blob hexes one manifest (config, layers) or index (its platform manifests) names."""
        doc = json.loads(body)
        return {d["digest"][7:] for d in doc.get("manifests", []) + doc.get("layers", []) + [doc.get("config")] if d}


def cmd_fill(args):
    s3 = s3_client(args)
    now = int(args.now or time.time())
    s3.create_bucket(Bucket=args.bucket)
    up = Uploader(RawPut(endpoint_of(args), args.bucket).put, args.workers)
    gen = Generator(args, up, now)
    images = args.images or max(1, args.tags // 20)
    t0 = time.monotonic()
    orphans = gen.run(args.tags, args.blobs, images)
    up.close()
    secs = time.monotonic() - t0
    reachable = set().union(*(t["blobs"] for t in gen.tags))
    indexes = sum(1 for t in gen.tags if t["index"])
    plan = {"bucket": args.bucket, "seed": args.seed, "now": now, "keep_last": KEEP_LAST,
            "max_age_days": MAX_AGE_DAYS, "tags": gen.tags, "blobs": gen.blobs,
            "manifest_blobs": sorted(gen.manifest_blobs), "orphans": orphans}
    with open(args.plan, "w") as f:
        json.dump(plan, f)
    print(f"fill: {len(gen.tags)} tags of {images} images ({indexes} multi-arch), {len(gen.blobs)} blobs "
          f"({len(reachable)} reachable, {len(orphans)} orphans), {up.done} objects "
          f"in {secs:.1f} s ({up.done / secs:.0f} PUT/s, {args.workers} workers)")


# ------------------------------------------------------------------------------------------ expect
def expected(plan, now, grace_zero):
    """What `clean` should delete at `now`: tags beyond keep_last or older than max_age (per image, by
    newest pushed_at), and with a zero grace every blob no kept tag reaches."""
    by_image = {}
    for t in plan["tags"]:
        by_image.setdefault(t["image"], []).append(t)
    kept, pruned = [], []
    for tags in by_image.values():
        tags.sort(key=lambda t: t["pushed_at"], reverse=True)
        for rank, t in enumerate(tags):
            old = now - t["pushed_at"] > plan["max_age_days"] * DAY
            (pruned if rank >= plan["keep_last"] or old else kept).append(t)
    reachable = set().union(*(t["blobs"] for t in kept)) if kept else set()
    garbage = [] if not grace_zero else [h for h in plan["blobs"] if h not in reachable]
    manifest_blobs = set(plan["manifest_blobs"])
    manifests = [h for h in garbage if h in manifest_blobs]
    return {"kept": kept, "pruned": pruned, "reachable": reachable, "garbage": garbage,
            "tags": len(pruned), "manifests": len(manifests), "blobs": len(garbage) - len(manifests),
            "bytes": sum(plan["blobs"][h][0] for h in garbage)}


def cmd_expect(args):
    plan = load(args.plan)
    e = expected(plan, time.time(), args.grace_zero)
    print(f"tags={e['tags']} manifests={e['manifests']} blobs={e['blobs']} bytes={e['bytes']} kept={len(e['kept'])}")


def load(path):
    with open(path) as f:
        return json.load(f)


# ------------------------------------------------------------------------------------------ counts
def cmd_counts(args):
    """Counts per category from a `clean --output json` report: its totals (a list of {category, count,
    bytes, failed}, or a map by category), else its items counted by category. Keys and category
    names are compared without case, dashes or underscores (index-entries = IndexEntries)."""
    norm = lambda name: str(name).lower().replace("-", "").replace("_", "")

    def lower(doc):
        if isinstance(doc, dict):
            return {norm(k): lower(v) for k, v in doc.items()}
        return [lower(v) for v in doc] if isinstance(doc, list) else doc

    report = lower(load(args.report))
    counts, failed = {}, 0

    def add(category, count, size):
        c = counts.setdefault(norm(category), [0, 0])
        c[0] += int(count)
        c[1] += int(size)

    totals = report.get("totals")
    if isinstance(totals, list):
        for t in totals:
            add(t.get("category", "?"), t.get("count", 0), t.get("bytes", 0))
            failed += int(t.get("failed", 0))
    elif isinstance(totals, dict):
        for category, t in totals.items():
            add(category, t.get("count", 0), t.get("bytes", 0))
            failed += int(t.get("failed", 0))
    else:
        for item in report.get("items", []):
            if item.get("failure"):
                failed += 1
            else:
                add(item.get("category", "?"), 1, item.get("bytes", 0))
    n = lambda category, i=0: counts.get(category, [0, 0])[i]
    print(f"tags={n('tags')} manifests={n('manifests')} blobs={n('blobs')} uploads={n('uploads')} "
          f"indexentries={n('indexentries')} bytes={n('manifests', 1) + n('blobs', 1)} "
          f"failures={failed} warnings={len(report.get('warnings', []))}")


# ------------------------------------------------------------------------------------------ verify
def list_all(s3, bucket, workers=16):
    """key -> (size, md5 ETag) for the whole bucket; blobs/sha256/ listed as 16 prefixes in parallel."""
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    prefixes = [p["Prefix"] for p in top.get("CommonPrefixes", [])]
    if top.get("IsTruncated"):
        prefixes = [""]  # an unusual bucket: list it in one go
    out = {} if prefixes == [""] else {o["Key"]: (o["Size"], o["ETag"].strip('"')) for o in top.get("Contents", [])}
    parts = []
    for p in prefixes:
        parts += [f"{p}sha256/{c}" for c in "0123456789abcdef"] if p == "blobs/" else [p]

    def one(prefix):
        found = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for o in page.get("Contents", []):
                found[o["Key"]] = (o["Size"], o["ETag"].strip('"'))
        return found

    with futures.ThreadPoolExecutor(workers) as pool:
        for found in pool.map(one, parts):
            out.update(found)
    return out


def cmd_verify(args):
    """After `clean --confirm --grace 0s`: every kept tag and every blob it reaches intact (same md5),
    every pruned tag gone, no unreachable blob left, no running-clean marker left. Exit 1 on a problem."""
    plan = load(args.plan)
    e = expected(plan, time.time(), True)
    keys = list_all(s3_client(args), args.bucket)
    problems = []

    def problem(msg):
        problems.append(msg)
        if len(problems) <= 10:
            log("verify: " + msg)

    for t in e["kept"]:
        prefix = f"manifests/{t['image']}/{t['tag']}/"
        have = keys.get(prefix + "manifest.json")
        if not have or have[1] != t["md5"]:
            problem(f"kept tag {t['image']}:{t['tag']}: manifest.json {'changed' if have else 'missing'}")
        for name in ("oci-layout", "history.json"):
            if prefix + name not in keys:
                problem(f"kept tag {t['image']}:{t['tag']}: {name} missing")
    missing = [h for h in e["reachable"] if keys.get("blobs/sha256/" + h, (0, ""))[1] != plan["blobs"][h][1]]
    for h in missing:
        problem(f"blob sha256:{h} of a kept tag is missing or changed")
    pruned_left = set()
    manifest_keys = [k for k in keys if k.startswith("manifests/")]
    pruned_prefixes = {f"manifests/{t['image']}/{t['tag']}/" for t in e["pruned"]}
    for k in manifest_keys:
        if k[:k.rindex("/") + 1] in pruned_prefixes:
            pruned_left.add(k[:k.rindex("/") + 1])
    for p in sorted(pruned_left):
        problem(f"pruned tag {p[10:-1]} still has keys")
    left = [k for k in keys if k.startswith("blobs/sha256/") and k[13:] not in e["reachable"]]
    if left:
        problem(f"{len(left)} unreachable blobs left (e.g. {left[0]})")
    markers = [k for k in keys if k.startswith("s3lo-gc/running/")]
    if markers:
        problem(f"running-clean marker left: {markers[0]}")
    blob_keys = sum(1 for k in keys if k.startswith("blobs/sha256/"))
    status = "PASS" if not problems else "FAIL"
    print(f"{status} verify after confirm: {len(e['kept'])} kept tags intact with their {len(e['reachable'])} blobs "
          f"({len(missing)} missing), {len(e['pruned'])} pruned tags gone ({len(pruned_left)} left), "
          f"{blob_keys} blobs in the bucket ({len(left)} unreachable left), {len(problems)} problems")
    sys.exit(0 if not problems else 1)


# ------------------------------------------------------------------------------------------ remove
def cmd_remove(args):
    s3 = s3_client(args)
    try:
        keys = list(list_all(s3, args.bucket))
    except s3.exceptions.NoSuchBucket:
        return
    batches = [keys[i:i + 1000] for i in range(0, len(keys), 1000)]

    def delete(batch):
        s3.delete_objects(Bucket=args.bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})

    with futures.ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(delete, batches))
    for u in s3.list_multipart_uploads(Bucket=args.bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=args.bucket, Key=u["Key"], UploadId=u["UploadId"])
    s3.delete_bucket(Bucket=args.bucket)
    log(f"removed bucket {args.bucket} ({len(keys)} objects)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("fill", "expect", "counts", "verify", "remove"):
        c = sub.add_parser(name)
        c.add_argument("--endpoint")
        c.add_argument("--workers", type=int, default=32)
        if name in ("fill", "verify", "remove"):
            c.add_argument("--bucket", required=True)
        if name in ("fill", "expect", "verify"):
            c.add_argument("--plan", required=True)
    fill = sub.choices["fill"]
    fill.add_argument("--tags", type=int, default=10000)
    fill.add_argument("--blobs", type=int, default=50000)
    fill.add_argument("--images", type=int, help="default: tags / 20")
    fill.add_argument("--seed", type=int, default=1)
    fill.add_argument("--now", type=int, help="epoch seconds the push times count back from (default: now)")
    sub.choices["expect"].add_argument("--grace-zero", action="store_true")
    sub.choices["counts"].add_argument("--report", required=True)
    args = p.parse_args()
    try:
        {"fill": cmd_fill, "expect": cmd_expect, "counts": cmd_counts, "verify": cmd_verify,
         "remove": cmd_remove}[args.cmd](args)
    except Exception as e:  # botocore, connection and file errors: one line, not a stack trace
        sys.exit(f"clean-bucket: {args.cmd} failed: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
