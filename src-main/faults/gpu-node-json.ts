/**
 * Node-side JSON reading for the AMD tools. rocm-smi and amd-smi are themselves python3 programs
 * (`#!/usr/bin/env python3`), so any node where they run has python3; parsing their JSON with it is
 * exact, where sed/awk over JSON would be guesswork. NVIDIA output is CSV and needs none of this.
 *
 * The program is trusted constant text, written with double quotes only so that its single-quoted
 * shell form needs no escapes and stays readable in the audit trail. It reads one JSON document on stdin and prints plain lines:
 *   cards              rocm-smi: the N of every "cardN" key
 *   rocm N KEY...      rocm-smi: card N's first KEY whose value is not "N/A..." (values are strings)
 *   gpus               amd-smi list: every "gpu" index
 *   amd N a.b.c        amd-smi: the value at path a.b.c for GPU N ({"value","unit"} unwrapped)
 *   pids               rocm-smi --showpids ("system": {"PID<pid>": ...}) or amd-smi process
 *                      (process_list[].process_info.pid): one PID per line
 * amd-smi output may be a list of per-GPU objects or {"gpu_data": [...]} (newer releases); both
 * are accepted (REFERENCE-tools.md §1.4: "key names have changed across amd-smi releases").
 */
export const GD_PY = `import json, sys
def load():
    t = sys.stdin.read().strip()
    try:
        return json.loads(t) if t else {}
    except ValueError:
        return {}
def items(d):
    if isinstance(d, dict) and isinstance(d.get("gpu_data"), list):
        d = d["gpu_data"]
    if isinstance(d, dict):
        d = [d]
    return [x for x in d if isinstance(x, dict)] if isinstance(d, list) else []
def walk(o):
    if isinstance(o, dict):
        yield o
        for v in o.values():
            yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)
a = sys.argv[1:] + ["", "", ""]
d = load()
if a[0] == "cards":
    for k in (d if isinstance(d, dict) else {}):
        if k.startswith("card") and k[4:].isdigit():
            print(k[4:])
elif a[0] == "rocm":
    c = d.get("card" + a[1], {}) if isinstance(d, dict) else {}
    for k in [k for k in sys.argv[3:] if k]:
        v = str(c.get(k, "N/A"))
        if not v.startswith("N/A"):
            print(v)
            break
elif a[0] == "gpus":
    for x in items(d):
        if isinstance(x.get("gpu"), int):
            print(x["gpu"])
elif a[0] == "amd":
    for x in items(d):
        if str(x.get("gpu")) == a[1]:
            v = x
            for p in a[2].split("."):
                v = v.get(p) if isinstance(v, dict) else None
            if isinstance(v, dict):
                v = v.get("value")
            if v is not None and not str(v).startswith("N/A"):
                print(v)
elif a[0] == "pids":
    s = d.get("system", {}) if isinstance(d, dict) else {}
    for k in s:
        if k.startswith("PID") and k[3:].isdigit():
            print(k[3:])
    for o in walk(d):
        p = o.get("pid")
        if isinstance(p, int) and not isinstance(p, bool):
            print(p)
`;
