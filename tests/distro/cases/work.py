# A Python workload for the distribution-binary tests: the interpreter's own C code (json,
# re, zlib, hashlib, decimal, sqlite3, struct, math), threads and float formatting, each result
# printed so that any divergence from the native run shows as a line of difference.
import collections, datetime, decimal, hashlib, itertools, json, math, random, re, sqlite3
import struct, sys, threading, zlib

scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
random.seed(7)
data = [{"k": i, "v": random.random(), "s": "x" * (i % 13)} for i in range(500 * scale)]
blob = json.dumps(data, sort_keys=True).encode()
print("json", len(blob), hashlib.sha256(blob).hexdigest()[:16], hashlib.md5(blob).hexdigest()[:8])
print("zlib", len(zlib.compress(blob, 9)), zlib.crc32(blob), zlib.adler32(blob))
print("re", len(re.findall(r'"v": 0\.(\d{3})', blob.decode())),
      re.sub(r"(\w+)@(\w+)\.com", r"\2 at \1", "mail bob@example.com now"))
decimal.getcontext().prec = 60
print("decimal", decimal.Decimal(2).sqrt(), decimal.Decimal(1) / decimal.Decimal(7))
print("math", math.fsum(d["v"] for d in data), math.lgamma(10.5), math.atan2(1.5, -2.25),
      repr(math.exp(0.1)), math.sin(1e6), math.log1p(1e-12), math.gamma(0.5))
db = sqlite3.connect(":memory:")
db.execute("create table t(k integer, v real, s text)")
db.executemany("insert into t values(?,?,?)", [(d["k"], d["v"], d["s"]) for d in data])
print("sqlite", db.execute("select count(*), sum(k), round(avg(v), 9), max(length(s)) from t").fetchone())
res = [0] * 4
def work(i):
    res[i] = sum(x * x % 1009 for x in range(i, 20000 * scale, 4))
ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
[t.start() for t in ts]
[t.join() for t in ts]
print("threads", res)
print("struct", struct.pack(">dQi", 1.5, 2**63 + 5, -3).hex(), struct.unpack("<f", b"\x01\x00\x80\x7f"))
print("perm", sum(1 for p in itertools.permutations(range(7)) if p[0] < p[-1]))
words = collections.Counter(open(sys.argv[1]).read().split())
print("words", words.most_common(3))
print("date", datetime.date(2024, 2, 29) + datetime.timedelta(days=400))
print("float", float("1e-310") * 3, 0.1 + 0.2, 2.0 ** -1074, int(1e300) % 997, 10 ** 40 // 7,
      "%.17g" % (1 / 3), round(2.675, 2), float.fromhex("0x1.fffffffffffffp+1023"))
try:
    1 / 0
except ZeroDivisionError as e:
    print("exc", e)
sys.exit(3)
