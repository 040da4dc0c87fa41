-- Generated benchmark data for bench/api.sh: :n organizations, facilities, licences and
-- agreements (plus aliases, modalities, parties, articles and evidence) in a migrated database.
--
-- psql -v n=100000 -f bench/api/gen.sql DATABASE_URL  (the tables must be empty)
-- Skewed where real data is: a power law of licences and agreements per organization (a few
-- large CDMOs hold most), countries weighted KR/CN/US/DE/…, licence types from the country's
-- vocabulary (store/src/vocab.rs codes), dates 2015–2026 at day, month or year precision.
-- setseed makes every run generate the same rows, so figures compare across runs.
\set ON_ERROR_STOP on
SELECT setseed(0.42);
BEGIN;

-- Countries with weights (cumulative upper bounds of a uniform draw) and their regulator.
CREATE TEMP TABLE bench_countries (code text, lo float8, hi float8, regulator text, region text[]);
INSERT INTO bench_countries VALUES
  ('KR', 0.00, 0.28, 'Ministry of Food and Drug Safety', ARRAY['Seoul','Gyeonggi','Incheon','Chungbuk','Daegu']),
  ('CN', 0.28, 0.52, 'National Medical Products Administration', ARRAY['Shanghai','Jiangsu','Zhejiang','Beijing','Guangdong']),
  ('US', 0.52, 0.68, 'Food and Drug Administration', ARRAY['Massachusetts','California','North Carolina','New Jersey']),
  ('DE', 0.68, 0.76, 'Paul-Ehrlich-Institut', ARRAY['Bavaria','Hesse','Berlin']),
  ('JP', 0.76, 0.82, 'Pharmaceuticals and Medical Devices Agency', ARRAY['Tokyo','Osaka','Kanagawa']),
  ('IN', 0.82, 0.87, 'Central Drugs Standard Control Organisation', ARRAY['Telangana','Maharashtra','Gujarat']),
  ('CH', 0.87, 0.90, 'Swissmedic', ARRAY['Basel','Zurich','Vaud']),
  ('GB', 0.90, 0.93, 'Medicines and Healthcare products Regulatory Agency', ARRAY['England','Scotland']),
  ('FR', 0.93, 0.95, 'ANSM', ARRAY['Ile-de-France','Auvergne-Rhone-Alpes']),
  ('SG', 0.95, 0.97, 'Health Sciences Authority', ARRAY['Singapore']),
  ('IE', 0.97, 0.985, 'Health Products Regulatory Authority', ARRAY['Leinster','Munster']),
  ('BE', 0.985, 1.00, 'Federal Agency for Medicines and Health Products', ARRAY['Flanders','Wallonia']);

-- Licence types a country grants, as an array to index by a uniform draw.
CREATE TEMP TABLE bench_license_types (code text, types text[]);
INSERT INTO bench_license_types VALUES
  ('KR', ARRAY['kr_advanced_biopharma_manufacturing','kr_human_cell_management','kr_cell_processing_facility','kr_drug_manufacturing','kr_gmp']),
  ('CN', ARRAY['cn_drug_production_a','cn_drug_production_b','cn_drug_production_c','cn_drug_production_c','cn_drug_production_d','cn_drug_production','cn_gmp']),
  ('US', ARRAY['us_fda_inspection']),
  ('DE', ARRAY['eu_gmp']), ('FR', ARRAY['eu_gmp']), ('IE', ARRAY['eu_gmp']), ('BE', ARRAY['eu_gmp']),
  ('JP', ARRAY['jp_pmda_gmp']),
  ('IN', ARRAY['other','us_fda_inspection']), ('CH', ARRAY['other','eu_gmp']),
  ('GB', ARRAY['other','eu_gmp']), ('SG', ARRAY['other']);

-- Regulators first (ids 1..12), so licences can name their authority.
INSERT INTO organizations (id, name, name_key, kind, country, region, city, parent_id, created_at, updated_at)
SELECT row_number() OVER (ORDER BY lo), regulator, lower(regulator), 'regulator', code, region[1], NULL, NULL, now(), now()
FROM bench_countries;

-- The other organizations: mostly CDMOs and biotechs. Random draws are made in a select list
-- first (one per row) and joined after, since a volatile call in a join condition may be
-- evaluated per candidate pair.
CREATE TEMP TABLE bench_orgs AS SELECT g, random() AS r, random() AS rk FROM generate_series(13, :n) AS g;
INSERT INTO organizations (id, name, name_key, kind, country, region, city, parent_id, created_at, updated_at)
SELECT d.g, 'Org ' || d.g || ' ' || (ARRAY['Biologics','Bio','Pharma','Therapeutics','CDMO','Cell','Gene','Life Sciences'])[1 + (d.g % 8)],
       'org ' || d.g, CASE WHEN d.rk < 0.35 THEN 'cdmo' WHEN d.rk < 0.65 THEN 'biotech'
         WHEN d.rk < 0.80 THEN 'pharma' WHEN d.rk < 0.86 THEN 'hospital' WHEN d.rk < 0.92 THEN 'academic'
         WHEN d.rk < 0.96 THEN 'supplier' WHEN d.rk < 0.98 THEN 'investor' ELSE 'other' END,
       c.code, c.region[1 + (d.g % array_length(c.region, 1))], NULL,
       CASE WHEN d.g > 1000 AND d.g % 20 = 0 THEN 13 + (d.g % 987) END, now(), now()
FROM bench_orgs d
JOIN bench_countries c ON d.r >= c.lo AND d.r < c.hi;
SELECT setval(pg_get_serial_sequence('organizations', 'id'), :n);

-- Every organization is known by its name and, in KR/CN, a local-script alias.
INSERT INTO organization_aliases (organization_id, alias, alias_key)
SELECT id, name, name_key FROM organizations;
INSERT INTO organization_aliases (organization_id, alias, alias_key)
SELECT id, CASE country WHEN 'KR' THEN '바이오 ' || id ELSE '生物 ' || id END,
       CASE country WHEN 'KR' THEN '바이오 ' || id ELSE '生物 ' || id END
FROM organizations WHERE country IN ('KR', 'CN') AND kind <> 'regulator';

ANALYZE organizations;

-- Facilities: operators drawn with a power law (id = 13 + n·u³ favours low ids).
CREATE TEMP TABLE bench_fac AS
SELECT g, 13 + floor((:n - 13) * power(random(), 3))::bigint AS operator_id, random() AS rc,
       random() AS rcap, random() AS rs, random() AS rd
FROM generate_series(1, :n) AS g;
INSERT INTO facilities (id, operator_id, name, name_key, country, region, city, capacity_liters, status, reported_on, created_at, updated_at)
SELECT d.g, o.id, 'Plant ' || d.g, 'plant ' || d.g, o.country, o.region, NULL,
       CASE WHEN d.rc < 0.8 THEN round((power(10, 2 + 3 * d.rcap))::numeric, -1)::float8 END,
       (ARRAY['planned','under_construction','operational','operational','operational'])[1 + floor(d.rs * 5)::int],
       DATE '2015-01-01' + floor(d.rd * 4380)::int, now(), now()
FROM bench_fac d JOIN organizations o ON o.id = d.operator_id;
SELECT setval(pg_get_serial_sequence('facilities', 'id'), :n);

INSERT INTO facility_modalities (facility_id, modality)
SELECT DISTINCT f.id, (ARRAY['cell_therapy','gene_therapy','car_t','tcr_t','viral_vector','aav','lentivirus',
    'oncolytic_virus','plasmid','mrna','monoclonal_antibody','adc','recombinant_protein','vaccine',
    'organoid','oligonucleotide','peptide','small_molecule','biosimilar','other'])[1 + floor(random() * 20)::int]
FROM facilities f CROSS JOIN generate_series(1, 1 + (f.id % 3)) AS k;

ANALYZE facilities;

-- Licences: holders by power law, type and authority from the holder's country, a facility of
-- the holder when it has one.
CREATE TEMP TABLE bench_first_fac AS SELECT operator_id, min(id) AS id FROM facilities GROUP BY operator_id;
CREATE TEMP TABLE bench_lic AS
SELECT g, 13 + floor((:n - 13) * power(random(), 3))::bigint AS holder_id, random() AS rt,
       DATE '2015-01-01' + floor(random() * 4380)::int AS day0, random() AS rp
FROM generate_series(1, :n) AS g;
INSERT INTO licenses (id, holder_id, license_type, authority_id, country, facility_id, date, date_precision, created_at, updated_at)
SELECT d.g, o.id, t.types[1 + floor(d.rt * array_length(t.types, 1))::int], reg.id, o.country,
       ff.id,
       CASE WHEN d.rp < 0.7 THEN d.day0 WHEN d.rp < 0.9 THEN date_trunc('month', d.day0)::date
            ELSE date_trunc('year', d.day0)::date END,
       CASE WHEN d.rp < 0.7 THEN 'day' WHEN d.rp < 0.9 THEN 'month' ELSE 'year' END, now(), now()
FROM bench_lic d
JOIN organizations o ON o.id = d.holder_id
JOIN bench_license_types t ON t.code = o.country
JOIN organizations reg ON reg.kind = 'regulator' AND reg.country = o.country
LEFT JOIN bench_first_fac ff ON ff.operator_id = o.id;
SELECT setval(pg_get_serial_sequence('licenses', 'id'), :n);

-- Agreements between two distinct organizations, the first drawn with a steeper power law.
CREATE TEMP TABLE bench_pairs AS
SELECT g AS id, a, CASE WHEN b = a THEN a + 1 ELSE b END AS b
FROM (SELECT g, 13 + floor((:n - 14) * power(random(), 4))::bigint AS a,
             13 + floor((:n - 14) * random())::bigint AS b
      FROM generate_series(1, :n) AS g) s;
INSERT INTO agreements (id, agreement_type, scope, date, date_precision, value_usd, party_key, created_at, updated_at)
SELECT p.id, (ARRAY['collaboration','mou','manufacturing_contract','manufacturing_contract','licensing',
    'joint_venture','acquisition','investment','research_cooperation','other'])[1 + floor(random() * 10)::int],
    'scope ' || p.id, DATE '2015-01-01' + floor(random() * 4380)::int, 'day',
    CASE WHEN random() < 0.4 THEN round((power(10, 5 + 4 * random()))::numeric, -3)::float8 END,
    least(p.a, p.b) || ',' || greatest(p.a, p.b), now(), now()
FROM bench_pairs p;
SELECT setval(pg_get_serial_sequence('agreements', 'id'), :n);
INSERT INTO agreement_parties (agreement_id, organization_id, role)
SELECT id, a, 'client' FROM bench_pairs
UNION ALL SELECT id, b, 'provider' FROM bench_pairs;

-- Articles (one per ten facts) and a sentence of evidence for every fact.
INSERT INTO articles (id, url, publisher, published, published_precision, language, title, text, content_hash, source_id, ingested_at)
SELECT g, 'https://news.example/' || g, (ARRAY['Korea Biomedical Review','BioSpectrum','Fierce Pharma','PharmaBiz'])[1 + g % 4],
       DATE '2015-01-01' + (g % 4380), 'day', (ARRAY['en','en','ko','zh'])[1 + g % 4],
       'Article ' || g, repeat('Generated article text about manufacturing. ', 20) || g, md5(g::text), NULL, now()
FROM generate_series(1, :n * 3 / 10) AS g;
SELECT setval(pg_get_serial_sequence('articles', 'id'), :n * 3 / 10);
INSERT INTO article_organizations (article_id, organization_id)
SELECT DISTINCT 1 + (l.id % (:n * 3 / 10)), l.holder_id FROM licenses l;
INSERT INTO evidence (article_id, license_id, sentence, confidence, extractor_version, created_at)
SELECT 1 + (id % (:n * 3 / 10)), id, 'Licence ' || id || ' was granted.', 0.9, 'bench', now() FROM licenses;
INSERT INTO evidence (article_id, facility_id, sentence, confidence, extractor_version, created_at)
SELECT 1 + ((id + 7) % (:n * 3 / 10)), id, 'Facility ' || id || ' was reported.', 0.8, 'bench', now() FROM facilities;
INSERT INTO evidence (article_id, agreement_id, sentence, confidence, extractor_version, created_at)
SELECT 1 + ((id + 13) % (:n * 3 / 10)), id, 'Agreement ' || id || ' was signed.', 0.85, 'bench', now() FROM agreements;
COMMIT;
ANALYZE;
