#!/usr/bin/env python3
"""Validate eval articles and gold records: python3 check_gold.py FILE.txt|DIR ..."""
import json, re, sys, os

LT = "kr_advanced_biopharma_manufacturing kr_human_cell_management kr_cell_processing_facility kr_drug_manufacturing kr_gmp cn_drug_production_a cn_drug_production_b cn_drug_production_c cn_drug_production_d cn_drug_production cn_gmp eu_gmp us_fda_inspection jp_pmda_gmp other".split()
AT = "collaboration mou manufacturing_contract licensing joint_venture acquisition investment research_cooperation other".split()
MOD = "cell_therapy gene_therapy car_t tcr_t viral_vector aav lentivirus oncolytic_virus plasmid mrna monoclonal_antibody adc recombinant_protein vaccine organoid oligonucleotide peptide small_molecule biosimilar other".split()
KIND = "cdmo biotech pharma hospital government regulator academic association supplier investor other".split()
STATUS = [None, "planned", "under_construction", "operational"]
FOCUS = "cmc cell_gene_therapy rna manufacturing_capacity workforce other".split()
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
HEADER_KEYS = {"title", "publisher", "published", "language", "url"}

errors = []
def err(f, m): errors.append(f"{f}: {m}")

def check_date(f, where, d):
    if d is not None and not (isinstance(d, str) and DATE.match(d)):
        err(f, f"{where}: bad date {d!r}")

def check_country(f, where, c):
    if c is not None and not (isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c)):
        err(f, f"{where}: bad country {c!r}")

def check_pair(txt):
    gold = txt[:-4] + ".gold.json"
    text = open(txt, encoding="utf-8").read()
    lines = text.split("\n")
    if "---" not in [l.strip() for l in lines[:8]]:
        err(txt, "no header block ending with ---")
    else:
        for l in lines[: [l.strip() for l in lines].index("---")]:
            k = l.split(":", 1)[0].strip().lower()
            if k not in HEADER_KEYS:
                err(txt, f"unknown header line {l!r}")
    if not os.path.exists(gold):
        err(txt, "missing .gold.json"); return
    try:
        g = json.load(open(gold, encoding="utf-8"))
    except Exception as e:
        err(gold, f"invalid JSON: {e}"); return
    for k in ["schema_version", "source", "organizations", "facilities", "licenses", "agreements", "policies", "aliases"]:
        if k not in g: err(gold, f"missing key {k}")
    if g.get("schema_version") != 1: err(gold, "schema_version must be 1")
    s = g.get("source", {})
    for k in ["title", "publisher", "url", "published", "language"]:
        if k not in s: err(gold, f"source.{k} missing")
    check_date(gold, "source.published", s.get("published"))
    if s.get("language") not in ["en", "ko", "zh", "other"]: err(gold, "source.language")
    names = set()
    for o in g.get("organizations", []):
        for k in ["name", "aliases", "kind", "country", "region", "city", "parent"]:
            if k not in o: err(gold, f"organization {o.get('name')}: missing {k}")
        if o.get("kind") not in KIND: err(gold, f"organization {o.get('name')}: kind {o.get('kind')!r}")
        check_country(gold, f"organization {o.get('name')}", o.get("country"))
        names.add(o.get("name"))
    for o in g.get("organizations", []):
        if o.get("parent") and o["parent"] not in names:
            err(gold, f"parent {o['parent']!r} of {o['name']!r} is not an organization of the record")
    for f in g.get("facilities", []):
        for k in ["name", "operator", "country", "region", "city", "modalities", "capacity_liters", "status", "evidence"]:
            if k not in f: err(gold, f"facility: missing {k}")
        if f.get("operator") not in names: err(gold, f"facility operator {f.get('operator')!r} not in organizations")
        if f.get("status") not in STATUS: err(gold, f"facility status {f.get('status')!r}")
        for m in f.get("modalities", []):
            if m not in MOD: err(gold, f"modality {m!r}")
        c = f.get("capacity_liters")
        if c is not None and not isinstance(c, (int, float)): err(gold, "capacity_liters must be a number")
        check_country(gold, "facility", f.get("country"))
    for l in g.get("licenses", []):
        for k in ["holder", "license_type", "authority", "country", "facility", "date", "evidence"]:
            if k not in l: err(gold, f"license: missing {k}")
        if l.get("license_type") not in LT: err(gold, f"license_type {l.get('license_type')!r}")
        if l.get("holder") not in names: err(gold, f"licence holder {l.get('holder')!r} not in organizations")
        check_date(gold, "license", l.get("date")); check_country(gold, "license", l.get("country"))
    for a in g.get("agreements", []):
        for k in ["parties", "agreement_type", "scope", "date", "value_usd", "evidence"]:
            if k not in a: err(gold, f"agreement: missing {k}")
        if a.get("agreement_type") not in AT: err(gold, f"agreement_type {a.get('agreement_type')!r}")
        if len(a.get("parties", [])) < 2: err(gold, "agreement with fewer than 2 parties")
        for p in a.get("parties", []):
            if p not in names: err(gold, f"party {p!r} not in organizations")
        check_date(gold, "agreement", a.get("date"))
    for p in g.get("policies", []):
        for k in ["name", "agencies", "country", "focus", "date", "evidence"]:
            if k not in p: err(gold, f"policy: missing {k}")
        for ag in p.get("agencies", []):
            if ag not in names: err(gold, f"agency {ag!r} not in organizations")
        for fc in p.get("focus", []):
            if fc not in FOCUS: err(gold, f"focus {fc!r}")
        check_date(gold, "policy", p.get("date")); check_country(gold, "policy", p.get("country"))
    al = g.get("aliases", {})
    if not isinstance(al, dict): err(gold, "aliases must be an object {canonical: [variants]}")
    else:
        for k, v in al.items():
            if k not in names: err(gold, f"aliases key {k!r} is not an organization name of the record")
            if not isinstance(v, list): err(gold, f"aliases[{k!r}] must be a list")
    body = text.split("---", 1)[1] if "---" in text else text
    flat = " ".join(body.split())
    for kind in ["facilities", "licenses", "agreements", "policies"]:
        for x in g.get(kind, []):
            ev = " ".join(x.get("evidence", "").split())
            if ev and ev not in flat:
                err(gold, f"{kind} evidence is not a verbatim sentence of the article: {ev[:70]!r}")

targets = sys.argv[1:] or ["."]
for t in targets:
    if os.path.isdir(t):
        for root, _, files in os.walk(t):
            for fn in sorted(files):
                if fn.endswith(".txt"): check_pair(os.path.join(root, fn))
    else:
        check_pair(t)
print("\n".join(errors) if errors else "OK")
sys.exit(1 if errors else 0)
