"""Validate seeds/gazetteer.toml."""
import re
import sys
import tomllib
import unicodedata

PATH = sys.argv[1] if len(sys.argv) > 1 else "/work/main/seeds/gazetteer.toml"
ORG_KINDS = set("cdmo biotech pharma hospital government regulator academic association supplier investor other".split())
PLACE_KINDS = set("country province metropolitan_city city district cluster".split())
KR_REGIONS = {"Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi", "Gangwon",
              "North Chungcheong", "South Chungcheong", "North Jeolla", "South Jeolla", "North Gyeongsang",
              "South Gyeongsang", "Jeju"}
CN_REGIONS = {"Beijing", "Shanghai", "Tianjin", "Chongqing", "Hebei", "Shanxi", "Liaoning", "Jilin", "Heilongjiang",
              "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong", "Henan", "Hubei", "Hunan", "Guangdong",
              "Hainan", "Sichuan", "Guizhou", "Yunnan", "Shaanxi", "Gansu", "Qinghai", "Inner Mongolia", "Guangxi",
              "Tibet", "Ningxia", "Xinjiang", "Hong Kong", "Macau"}
FORBIDDEN_BARE = {"sk", "cj", "gc", "lg", "lotte", "samsung", "korea", "china", "hyundai", "hanwha"}
FORBIDDEN_NAMES = {"transreco", "biometa", "koreacmcserviceindustryresearchassociation"}

# project normalisation (store/src/names.rs + seeds/names.toml), used as an extra warning check
names = tomllib.load(open("/work/main/seeds/names.toml", "rb"))
CORP = sorted(names["corporate_suffixes"], key=len, reverse=True)
CJK = sorted(names["cjk_suffixes"], key=len, reverse=True)
STOP = set(names["stopwords"])


def brief_key(s):
    return "".join(c for c in s.lower() if c.isalnum())


def name_key(s):
    s = unicodedata.normalize("NFKC", s).lower()
    for suf in CJK:
        s = s.replace(suf, " ")
    s = "".join(c if c.isalnum() else " " for c in s)
    words = s.split()
    while True:
        before = len(words)
        for suf in CORP:
            parts = suf.split()
            if len(words) > len(parts) and words[-len(parts):] == parts:
                words = words[:-len(parts)]
                break
        if len(words) == before:
            break
    words = sorted(set(w for w in words if w not in STOP))
    return " ".join(words)


errors, warnings = [], []
try:
    data = tomllib.load(open(PATH, "rb"))
except Exception as e:  # noqa: BLE001
    print("PARSE ERROR:", e)
    sys.exit(1)

orgs = data.get("organization", [])
places = data.get("place", [])
extra_top = set(data) - {"organization", "place"}
if extra_top:
    errors.append(f"unexpected top-level keys {extra_top}")

org_names = {o.get("name") for o in orgs}
seen_brief, seen_proj = {}, {}


def check_common(e, table, kinds):
    label = f"{table} {e.get('name')!r}"
    allowed = {"name", "aliases", "kind", "country", "region", "city", "parent"} if table == "organization" \
        else {"name", "aliases", "kind", "country", "region", "city"}
    for k in e:
        if k not in allowed:
            errors.append(f"{label}: unknown key {k}")
    if not isinstance(e.get("name"), str) or not e["name"].strip():
        errors.append(f"{label}: missing name")
    if e.get("kind") not in kinds:
        errors.append(f"{label}: bad kind {e.get('kind')!r}")
    c = e.get("country")
    if not (isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c)):
        errors.append(f"{label}: bad country {c!r}")
    r = e.get("region")
    if c == "KR" and r is not None and r not in KR_REGIONS:
        errors.append(f"{label}: bad KR region {r!r}")
    if c == "CN" and r is not None and r not in CN_REGIONS:
        errors.append(f"{label}: bad CN region {r!r}")
    for k in ("region", "city", "parent"):
        if k in e and (not isinstance(e[k], str) or not e[k].strip()):
            errors.append(f"{label}: empty {k}")
    al = e.get("aliases")
    if not isinstance(al, list):
        errors.append(f"{label}: aliases not a list")
        al = []
    for a in al:
        if not isinstance(a, str) or not a.strip():
            errors.append(f"{label}: empty alias")
        elif a != a.strip():
            errors.append(f"{label}: alias with surrounding space {a!r}")
    own_brief, own_proj = {}, {}
    for s in [e.get("name", "")] + [a for a in al if isinstance(a, str)]:
        k = brief_key(s)
        if not k:
            errors.append(f"{label}: {s!r} normalises to nothing")
            continue
        if k in own_brief:
            warnings.append(f"{label}: {s!r} duplicates {own_brief[k]!r} within entry")
        own_brief[k] = s
        if k in seen_brief and seen_brief[k][0] is not e:
            errors.append(f"{label}: {s!r} collides with {seen_brief[k][1]} ({seen_brief[k][2]!r})")
        seen_brief.setdefault(k, (e, label, s))
        pk = name_key(s)
        if pk in own_proj and brief_key(own_proj[pk]) != k:
            warnings.append(f"{label}: {s!r} and {own_proj[pk]!r} have the same project name_key {pk!r}")
        own_proj.setdefault(pk, s)
        if pk in seen_proj and seen_proj[pk][0] is not e:
            warnings.append(f"{label}: {s!r} collides under project name_key {pk!r} with {seen_proj[pk][1]}")
        seen_proj.setdefault(pk, (e, label, s))
        if table == "organization" and (k in FORBIDDEN_BARE or pk in FORBIDDEN_BARE):
            errors.append(f"{label}: bare ambiguous organization name/alias {s!r} (key {pk!r})")
        if k in FORBIDDEN_NAMES:
            errors.append(f"{label}: forbidden test-case name {s!r}")
        if s is not e.get("name") and pk == name_key(e.get("name", "")) and k != brief_key(e["name"]):
            warnings.append(f"{label}: alias {s!r} only differs from the name by suffix/stopword/order")


for o in orgs:
    check_common(o, "organization", ORG_KINDS)
    p = o.get("parent")
    if p is not None and p not in org_names:
        errors.append(f"organization {o.get('name')!r}: parent {p!r} not found")
    if p == o.get("name"):
        errors.append(f"organization {o.get('name')!r}: is its own parent")
for pl in places:
    check_common(pl, "place", PLACE_KINDS)
    k = pl.get("kind")
    if k == "country" and ("region" in pl or "city" in pl):
        errors.append(f"place {pl['name']!r}: country with region/city")
    if k == "province" and "city" in pl:
        errors.append(f"place {pl['name']!r}: province with city")
    if k in ("province", "metropolitan_city") and pl.get("region") != pl.get("name"):
        errors.append(f"place {pl['name']!r}: region-level place must name itself as region")
    if k in ("city", "district", "cluster", "metropolitan_city") and not pl.get("city"):
        warnings.append(f"place {pl['name']!r}: {k} without city")
    if k != "country" and pl.get("country") in ("KR", "CN") and not pl.get("region"):
        errors.append(f"place {pl['name']!r}: missing region")

# parent cycles
by_name = {o["name"]: o for o in orgs}
for o in orgs:
    seen = set()
    cur = o
    while cur.get("parent"):
        if cur["name"] in seen:
            errors.append(f"parent cycle at {o['name']!r}")
            break
        seen.add(cur["name"])
        cur = by_name.get(cur["parent"], {})

# required entries
REQUIRED_ORGS = {
    "Helixmith": ("biotech", "KR", "Seoul", "Seoul", None, ["헬릭스미스", "ViroMed", "바이로메드"]),
    "Ministry of Food and Drug Safety": ("regulator", "KR", "North Chungcheong", "Cheongju", None,
                                         ["MFDS", "식품의약품안전처", "식약처", "Korea Food and Drug Administration", "KFDA",
                                          "Korean Ministry of Food and Drug Safety"]),
    "Organoid Science": ("biotech", "KR", None, None, None, ["오가노이드사이언스"]),
    "Asan Medical Center": ("hospital", "KR", "Seoul", "Seoul", None,
                            ["Seoul Asan Medical Center", "Asan Medical Center in Seoul", "서울아산병원", "아산병원"]),
    "Asan Life Science Research Institute": ("academic", "KR", "Seoul", "Seoul", "Asan Medical Center", ["아산생명과학연구원"]),
    "Ministry of Science and ICT": ("government", "KR", "Sejong", "Sejong", None,
                                    ["MSIT", "과학기술정보통신부", "과기정통부", "Korean Ministry of Science and ICT"]),
    "Ministry of Trade, Industry and Energy": ("government", "KR", "Sejong", "Sejong", None,
                                               ["MOTIE", "산업통상자원부", "산업부", "Ministry of Trade, Industry & Energy"]),
    "Korea Drug Development Fund": ("government", "KR", "Seoul", "Seoul", None,
                                    ["KDDF", "국가신약개발재단", "National New Drug Development Foundation",
                                     "National Drug Development Foundation"]),
    "Ministry of Health and Welfare": ("government", "KR", "Sejong", "Sejong", None, ["보건복지부", "복지부", "MOHW"]),
    "National Medical Products Administration": ("regulator", "CN", "Beijing", "Beijing", None,
                                                 ["NMPA", "国家药品监督管理局", "国家药监局",
                                                  "China National Medical Products Administration",
                                                  "China Food and Drug Administration", "CFDA"]),
    "Zhejiang Medical Products Administration": ("regulator", "CN", "Zhejiang", "Hangzhou", None,
                                                 ["浙江省药品监督管理局", "浙江省药监局",
                                                  "Zhejiang Provincial Medical Products Administration", "Zhejiang MPA"]),
    "Chinese Academy of Engineering": ("academic", "CN", "Beijing", "Beijing", None, ["中国工程院"]),
    "Wenzhou Medical University": ("academic", "CN", "Zhejiang", "Wenzhou", None, ["温州医科大学"]),
    "MilliporeSigma": ("supplier", "US", "Massachusetts", "Burlington", "Merck KGaA", ["Millipore Sigma", "Sigma-Aldrich"]),
    "Merck KGaA": ("pharma", "DE", "Hesse", "Darmstadt", None, ["Merck KGaA, Darmstadt, Germany", "默克"]),
    "GenScript": ("biotech", "CN", "Jiangsu", "Nanjing", None,
                  ["GenScript Biotech", "GenScript Biotech Corporation", "金斯瑞", "金斯瑞生物科技", "南京金斯瑞生物科技有限公司"]),
}
REQUIRED_PLACES = {
    "Seoul": ("metropolitan_city", "KR", "Seoul", "Seoul", ["서울", "서울시", "서울특별시", "Seoul Metropolitan City"]),
    "Magok": ("district", "KR", "Seoul", "Seoul", ["마곡", "Magok District", "마곡지구"]),
    "Zhejiang": ("province", "CN", "Zhejiang", None, ["浙江", "浙江省", "Zhejiang Province"]),
    "Wenzhou": ("city", "CN", "Zhejiang", "Wenzhou", ["温州", "温州市"]),
    "Ouhai District": ("district", "CN", "Zhejiang", "Wenzhou", ["瓯海区", "Ouhai"]),
    "China Gene Medicine Valley": ("cluster", "CN", "Zhejiang", "Wenzhou", ["中国基因药谷"]),
    "Ouhai Life and Health Town": ("cluster", "CN", "Zhejiang", "Wenzhou", ["瓯海生命健康小镇"]),
    "Nanjing": ("city", "CN", "Jiangsu", "Nanjing", ["南京", "南京市"]),
    "South Korea": ("country", "KR", None, None, ["Korea", "Republic of Korea", "한국", "대한민국", "韩国"]),
    "China": ("country", "CN", None, None, ["中国", "PRC", "People's Republic of China", "중국"]),
}
for n, (kind, c, r, city, parent, al) in REQUIRED_ORGS.items():
    o = by_name.get(n)
    if not o:
        errors.append(f"required organization {n!r} missing")
        continue
    got = (o.get("kind"), o.get("country"), o.get("region"), o.get("city"), o.get("parent"))
    if got != (kind, c, r, city, parent):
        errors.append(f"required organization {n!r}: {got} != {(kind, c, r, city, parent)}")
    missing = [a for a in al if a not in o.get("aliases", [])]
    if missing:
        errors.append(f"required organization {n!r}: missing aliases {missing}")
pl_by_name = {p["name"]: p for p in places}
for n, (kind, c, r, city, al) in REQUIRED_PLACES.items():
    p = pl_by_name.get(n)
    if not p:
        errors.append(f"required place {n!r} missing")
        continue
    got = (p.get("kind"), p.get("country"), p.get("region"), p.get("city"))
    if got != (kind, c, r, city):
        errors.append(f"required place {n!r}: {got} != {(kind, c, r, city)}")
    missing = [a for a in al if a not in p.get("aliases", [])]
    if missing:
        errors.append(f"required place {n!r}: missing aliases {missing}")

# all 31 mainland provincial MPAs and all KR/CN province-level places present
mpa = [o for o in orgs if o.get("kind") == "regulator" and o.get("country") == "CN"
       and "Medical Products Administration" in o["name"] and o["name"] != "National Medical Products Administration"]
mpa_regions = {o["region"] for o in mpa}
if mpa_regions != CN_REGIONS - {"Hong Kong", "Macau"}:
    errors.append(f"provincial MPAs missing for {CN_REGIONS - {'Hong Kong', 'Macau'} - mpa_regions}")
region_places = {(p["country"], p["name"]) for p in places if p.get("kind") in ("province", "metropolitan_city")}
for r in KR_REGIONS:
    if ("KR", r) not in region_places:
        errors.append(f"KR region place {r!r} missing")
for r in CN_REGIONS:
    if ("CN", r) not in region_places:
        errors.append(f"CN region place {r!r} missing")

for w in warnings:
    print("WARN ", w)
for e in errors:
    print("ERROR", e)
print(f"organizations={len(orgs)} places={len(places)} errors={len(errors)} warnings={len(warnings)}")
sys.exit(1 if errors else 0)
