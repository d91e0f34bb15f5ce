#!/usr/bin/env python3
"""Structural checks of Bleibe's deployment files (no Docker, no cluster needed).

    python3 deploy/check.py

Checks deploy/Dockerfile, deploy/compose.yaml, every manifest in deploy/k8s/ and the
systemd unit. Prints one line per check, then the failures again, and exits 1 if any
check failed (a file that cannot be read or parsed counts as a failed check). Needs
PyYAML only; the setting-name checks also need Python 3.11+ (tomllib).
"""

from __future__ import annotations

import configparser
import fnmatch
import glob
import json
import shlex
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover - environment problem, not a check
    sys.exit("deploy/check.py needs PyYAML: pip install pyyaml")

try:  # Python 3.11+
    import tomllib
except ImportError:  # pragma: no cover
    tomllib = None

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = DEPLOY / "systemd" / "bleibe.service"

results: list[tuple[bool, str, str]] = []


def check(ok: bool, name: str, detail: str = "") -> bool:
    results.append((bool(ok), name, detail))
    status = "ok  " if ok else "FAIL"
    print(f"{status} {name}" + (f" ({detail})" if detail and not ok else ""))
    return bool(ok)


def mname(doc: dict) -> str:
    """metadata.name of a manifest, or "" when it has none."""
    return str(((doc.get("metadata") or {}) if isinstance(doc, dict) else {}).get("name") or "")


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ settings
def known_settings() -> set[str] | None:
    """Dotted keys of config/default.toml (every setting exists there), or None."""
    if tomllib is None:
        return None
    with open(REPO / "config" / "default.toml", "rb") as f:
        table = tomllib.load(f)
    keys: set[str] = set()

    def walk(t: dict, prefix: str) -> None:
        for k, v in t.items():
            path = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(v, path)
            else:
                keys.add(path)

    walk(table, "")
    return keys


SETTINGS = known_settings()


def default_setting(dotted: str):
    if tomllib is None:
        return None
    with open(REPO / "config" / "default.toml", "rb") as f:
        value = tomllib.load(f)
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def check_env_names(where: str, names) -> None:
    """Every BLEIBE_<SECTION>__<KEY> must name a setting of config/default.toml."""
    if SETTINGS is None:
        print(f"skip {where}: setting names (needs Python 3.11 for tomllib)")
        return
    unknown = []
    for name in names:
        if not name.startswith("BLEIBE_") or "__" not in name:
            continue
        dotted = name[len("BLEIBE_"):].lower().replace("__", ".")
        if dotted not in SETTINGS:
            unknown.append(name)
    check(not unknown, f"{where}: every BLEIBE_*__* variable is a known setting",
          "unknown: " + ", ".join(unknown))


# ------------------------------------------------------------------ Dockerfile
def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    buf = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not buf and (not line or line.startswith("#")):
            continue
        if buf and line.startswith("#"):
            continue  # comment lines inside a continued instruction
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        if buf.strip():
            word, _, args = buf.strip().partition(" ")
            out.append((word.upper(), args.strip()))
        buf = ""
    if buf.strip():
        word, _, args = buf.strip().partition(" ")
        out.append((word.upper(), args.strip()))
    return out


def copy_sources(args: str) -> tuple[list[str], dict[str, str]]:
    """Sources of a COPY/ADD and its --flags (the last operand is the destination)."""
    flags: dict[str, str] = {}
    if args.startswith("["):
        operands = json.loads(args)
    else:
        tokens = shlex.split(args)
        operands = []
        for token in tokens:
            if token.startswith("--") and not operands:
                key, _, value = token[2:].partition("=")
                flags[key] = value
            else:
                operands.append(token)
    return operands[:-1], flags


def dockerignore_patterns() -> list[str]:
    path = REPO / ".dockerignore"
    if not path.is_file():
        return []
    pats = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and not line.startswith("!"):
            pats.append(line.rstrip("/"))
    return pats


def ignored(source: str, patterns: list[str]) -> str | None:
    s = source.rstrip("/").lstrip("./") or "."
    for pat in patterns:
        p = pat.lstrip("/")
        if p.startswith("**/"):
            if fnmatch.fnmatch(s, p[3:]) or fnmatch.fnmatch(s, p):
                return pat
        elif fnmatch.fnmatch(s, p) or s.startswith(p + "/"):
            return pat
    return None


def check_dockerfile() -> None:
    if not check(DOCKERFILE.is_file(), "Dockerfile exists", rel(DOCKERFILE)):
        return
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    stages: list[dict] = []
    for word, args in instructions:
        if word == "FROM":
            parts = args.split()
            parts = [p for p in parts if not p.startswith("--")]
            name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            stages.append({"image": parts[0], "name": name, "lines": []})
        elif stages:
            stages[-1]["lines"].append((word, args))
    check(len(stages) >= 2, "Dockerfile: at least two FROM stages", f"found {len(stages)}")
    if not stages:
        return

    builder = next((s for s in stages if s["name"] == "builder"), stages[0])
    runtime = stages[-1]
    check(any("cargo build" in a and "--release" in a and "--locked" in a
              for w, a in builder["lines"] if w == "RUN"),
          "Dockerfile: builder runs cargo build --release --locked")

    patterns = dockerignore_patterns()
    missing, excluded = [], []
    for word, args in builder["lines"]:
        if word not in ("COPY", "ADD"):
            continue
        sources, flags = copy_sources(args)
        if "from" in flags:
            continue
        for source in sources:
            if not glob.glob(str(REPO / source)):
                missing.append(source)
            elif (pat := ignored(source, patterns)):
                excluded.append(f"{source} by {pat}")
    check(not missing, "Dockerfile: every builder COPY source exists in the repository",
          "missing: " + ", ".join(missing))
    check(not excluded, "Dockerfile: no builder COPY source is excluded by .dockerignore",
          "; ".join(excluded))

    # What the build reads besides src/: files cargo and the compiler open.
    needed = ["Cargo.toml", "Cargo.lock", "build.rs", "askama.toml", "entities/",
              "migrations/", "src/", "locales/", "assets/", "config/"]
    cargo = (REPO / "Cargo.toml").read_text()
    if "[[bench]]" in cargo:
        needed.append("benches/")
    copied = set()
    for word, args in builder["lines"]:
        if word in ("COPY", "ADD"):
            sources, flags = copy_sources(args)
            if "from" not in flags:
                copied.update(s.rstrip("/") for s in sources)
    lacking = [n for n in needed if (REPO / n).exists() and n.rstrip("/") not in copied]
    check(not lacking, "Dockerfile: builder copies what the build reads "
          "(build.rs, askama.toml, include_str! inputs, [[bench]] files)",
          "not copied: " + ", ".join(lacking))

    users = [a.strip() for w, a in runtime["lines"] if w == "USER"]
    last = users[-1] if users else ""
    user_part = last.split(":")[0]
    check(bool(users) and user_part not in ("root", "0"),
          "Dockerfile: runtime stage has a non-root USER", f"USER {last or '(none)'}")
    env_text = " ".join(a for w, a in runtime["lines"] if w == "ENV")
    for expected in ("BLEIBE_CONFIG_DIR=/etc/bleibe", "BLEIBE_ENV=production",
                     "BLEIBE_SERVER__HOST=0.0.0.0"):
        check(expected in env_text, f"Dockerfile: runtime ENV {expected}")
    check(any(w == "EXPOSE" and "8080" in a.split() for w, a in runtime["lines"]),
          "Dockerfile: EXPOSE 8080")
    check_env_names("Dockerfile", [t.split("=", 1)[0] for t in env_text.split() if "=" in t])


# ------------------------------------------------------------------ compose
def env_names(environment) -> list[str]:
    if isinstance(environment, dict):
        return list(environment)
    if isinstance(environment, list):
        return [str(e).split("=", 1)[0] for e in environment]
    return []


def check_compose() -> None:
    if not check(COMPOSE.is_file(), "compose.yaml exists", rel(COMPOSE)):
        return
    compose = yaml.safe_load(COMPOSE.read_text()) or {}
    services = compose.get("services") or {}
    for name in ("bleibe", "db", "mail"):
        check(name in services, f"compose: service {name}")
    bleibe = services.get("bleibe") or {}
    build = bleibe.get("build")
    if isinstance(build, str):
        build = {"context": build}
    build = build or {}
    context = (COMPOSE.parent / build.get("context", ".")).resolve()
    dockerfile = (context / build.get("dockerfile", "Dockerfile")).resolve()
    check(dockerfile == DOCKERFILE.resolve(), "compose: bleibe builds from deploy/Dockerfile",
          f"builds from {dockerfile}")
    check(context == REPO, "compose: build context is the repository root",
          f"context {context}")
    depends = bleibe.get("depends_on") or {}
    db_condition = depends.get("db", {}).get("condition") if isinstance(depends, dict) else None
    check(db_condition == "service_healthy", "compose: bleibe waits for db to be healthy")
    check("healthcheck" in (services.get("db") or {}), "compose: db has a healthcheck")
    check(any(str(p).split(":")[-1] == "8080" for p in bleibe.get("ports") or []),
          "compose: bleibe publishes port 8080")
    env = bleibe.get("environment") or {}
    if isinstance(env, list):
        env = dict(str(e).split("=", 1) for e in env)
    check(str(env.get("BLEIBE_DATABASE__URL", "")).startswith("postgres"),
          "compose: bleibe uses PostgreSQL")
    check(str(env.get("BLEIBE_MAIL__SMTP__HOST", "")) == "mail",
          "compose: bleibe sends mail to the mail service")
    base_url = str(env.get("BLEIBE_SERVER__BASE_URL", ""))
    secure = str(env.get("BLEIBE_SECURITY__SECURE_COOKIES", "auto"))
    check(not (secure == "always" or (secure == "auto" and base_url.startswith("https://"))),
          "compose: cookies work on http://localhost (no Secure flag)",
          f"base_url {base_url!r}, secure_cookies {secure!r}")
    volumes = [str(v) for v in bleibe.get("volumes") or []]
    named = set((compose.get("volumes") or {}).keys())
    check(any(v.endswith(":/var/lib/bleibe/data") and v.split(":")[0] in named for v in volumes),
          "compose: named volume on /var/lib/bleibe/data")
    check_env_names("compose", env_names(bleibe.get("environment")))


# ------------------------------------------------------------------ Kubernetes
def load_k8s() -> list[tuple[Path, dict]]:
    docs = []
    for path in sorted(K8S.glob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                docs.append((path, doc))
    return docs


def port_of(container: dict, port) -> bool:
    for p in container.get("ports") or []:
        if port == p.get("containerPort") or (isinstance(port, str) and port == p.get("name")):
            return True
    return False


def probe_ok(container: dict, probe: str, path: str) -> bool:
    http = ((container.get(probe) or {}).get("httpGet")) or {}
    return http.get("path") == path and port_of(container, http.get("port"))


def pod_references(pod: dict) -> tuple[set[str], set[str]]:
    configmaps, secrets = set(), set()
    containers = (pod.get("containers") or []) + (pod.get("initContainers") or [])
    for c in containers:
        for source in c.get("envFrom") or []:
            if "configMapRef" in source:
                configmaps.add((source["configMapRef"] or {}).get("name", ""))
            if "secretRef" in source:
                secrets.add((source["secretRef"] or {}).get("name", ""))
        for e in c.get("env") or []:
            ref = e.get("valueFrom") or {}
            if "configMapKeyRef" in ref:
                configmaps.add((ref["configMapKeyRef"] or {}).get("name", ""))
            if "secretKeyRef" in ref:
                secrets.add((ref["secretKeyRef"] or {}).get("name", ""))
    for v in pod.get("volumes") or []:
        if "configMap" in v:
            configmaps.add((v["configMap"] or {}).get("name", ""))
        if "secret" in v:
            secrets.add((v["secret"] or {}).get("secretName", ""))
    return configmaps, secrets


def non_root(pod: dict, container: dict) -> bool:
    pod_sc = pod.get("securityContext") or {}
    c_sc = container.get("securityContext") or {}
    run_as_non_root = c_sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
    uid = c_sc.get("runAsUser", pod_sc.get("runAsUser"))
    return run_as_non_root is True and uid != 0


def check_k8s() -> None:
    if not check(K8S.is_dir(), "k8s folder exists", rel(K8S)):
        return
    docs = load_k8s()
    check(bool(docs), "k8s: manifests found")
    by_kind: dict[str, list[tuple[Path, dict]]] = {}
    for path, doc in docs:
        ok = (isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind")
              and (doc.get("metadata") or {}).get("name"))
        check(bool(ok), f"k8s: {path.name} {doc.get('kind', '?') if isinstance(doc, dict) else '?'}"
              " has apiVersion, kind, metadata.name")
        if isinstance(doc, dict):
            by_kind.setdefault(doc.get("kind", ""), []).append((path, doc))
            check(not (doc.get("metadata") or {}).get("namespace"),
                  f"k8s: {path.name} sets no namespace")
    check("CronJob" not in by_kind, "k8s: no CronJob (the scheduler is built in)",
          ", ".join(p.name for p, _ in by_kind.get("CronJob", [])))

    names = lambda kind: {mname(d) for _, d in by_kind.get(kind, []) if mname(d)}  # noqa: E731
    configmaps, secrets = names("ConfigMap"), names("Secret")
    config_data: dict = {}
    for _, d in by_kind.get("ConfigMap", []):
        config_data.update(d.get("data") or {})
        check_env_names(f"k8s ConfigMap {mname(d)}", (d.get("data") or {}).keys())
    for _, d in by_kind.get("Secret", []):
        keys = list((d.get("stringData") or {}).keys()) + list((d.get("data") or {}).keys())
        check_env_names(f"k8s Secret {mname(d)}", keys)

    deployments = by_kind.get("Deployment", [])
    if not check(len(deployments) == 1, "k8s: exactly one Deployment", f"{len(deployments)}"):
        return
    _, dep = deployments[0]
    spec = dep.get("spec") or {}
    template = spec.get("template") or {}
    pod = template.get("spec") or {}
    pod_labels = (template.get("metadata") or {}).get("labels") or {}
    containers = pod.get("containers") or []
    if not check(bool(containers), "k8s Deployment: has a container"):
        return
    app = next((c for c in containers if c.get("name") == "bleibe"), containers[0])
    selector = (spec.get("selector") or {}).get("matchLabels") or {}
    check(bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items()),
          "k8s Deployment: selector matches its pod labels")
    check(spec.get("replicas", 1) >= 2, "k8s Deployment: at least 2 replicas")
    check(probe_ok(app, "livenessProbe", "/health"),
          "k8s Deployment: livenessProbe GET /health on a container port")
    check(probe_ok(app, "readinessProbe", "/ready"),
          "k8s Deployment: readinessProbe GET /ready on a container port")
    check(port_of(app, 8080), "k8s Deployment: container exposes 8080")
    for c in containers + (pod.get("initContainers") or []):
        check(non_root(pod, c), f"k8s Deployment: container {c.get('name')} runs as non-root")
    check((app.get("securityContext") or {}).get("readOnlyRootFilesystem") is True,
          "k8s Deployment: read-only root filesystem")
    check(bool((app.get("resources") or {}).get("requests")),
          "k8s Deployment: resource requests set")
    used_cm, used_secret = pod_references(pod)
    check(bool(used_cm) and used_cm <= configmaps,
          "k8s Deployment: references a ConfigMap defined in deploy/k8s",
          f"uses {sorted(used_cm)}, defined {sorted(configmaps)}")
    check(bool(used_secret) and used_secret <= secrets,
          "k8s Deployment: references a Secret defined in deploy/k8s",
          f"uses {sorted(used_secret)}, defined {sorted(secrets)}")

    grace_setting = config_data.get("BLEIBE_SERVER__SHUTDOWN_GRACE_SECS",
                                    default_setting("server.shutdown_grace_secs") or 20)
    grace = int(grace_setting)
    tgps = pod.get("terminationGracePeriodSeconds", 30)
    check(tgps > grace, "k8s Deployment: terminationGracePeriodSeconds > server.shutdown_grace_secs",
          f"{tgps} <= {grace}")

    annotations = (template.get("metadata") or {}).get("annotations") or {}
    check(annotations.get("prometheus.io/scrape") == "true"
          and annotations.get("prometheus.io/path") == "/metrics"
          and port_of(app, int(annotations.get("prometheus.io/port", 0) or 0)),
          "k8s Deployment: prometheus scrape annotations for /metrics on the container port")

    # The data folder: mounted where BLEIBE_DATA__DIR points, from a ReadWriteMany PVC.
    data_dir = config_data.get("BLEIBE_DATA__DIR")
    mounts = {m.get("mountPath"): m.get("name") for m in app.get("volumeMounts") or []}
    volume = next((v for v in pod.get("volumes") or [] if v.get("name") == mounts.get(data_dir)), None)
    check(volume is not None, "k8s Deployment: a volume is mounted at BLEIBE_DATA__DIR",
          f"BLEIBE_DATA__DIR={data_dir!r}, mounts {sorted(m for m in mounts if m)}")
    claims = {mname(d): d for _, d in by_kind.get("PersistentVolumeClaim", [])}
    claim_name = ((volume or {}).get("persistentVolumeClaim") or {}).get("claimName")
    if claim_name:
        claim = claims.get(claim_name)
        check(claim is not None, f"k8s: PVC {claim_name} is defined in deploy/k8s")
        if claim is not None and spec.get("replicas", 1) > 1:
            check("ReadWriteMany" in ((claim.get("spec") or {}).get("accessModes") or []),
                  f"k8s: PVC {claim_name} is ReadWriteMany (shared by the replicas)")

    services = by_kind.get("Service", [])
    check(bool(services), "k8s: a Service exists")
    for _, svc in services:
        sname = mname(svc)
        sel = (svc.get("spec") or {}).get("selector") or {}
        check(bool(sel) and all(pod_labels.get(k) == v for k, v in sel.items()),
              f"k8s Service {sname}: selector matches the Deployment's pod labels",
              f"selector {sel}, pod labels {pod_labels}")
        for p in (svc.get("spec") or {}).get("ports") or []:
            target = p.get("targetPort", p.get("port"))
            check(any(port_of(c, target) for c in containers),
                  f"k8s Service {sname}: port {p.get('port')} targets a container port "
                  f"({target})")

    # Other workloads in the folder (e.g. the migration Job) use the same config and image.
    image = app.get("image")
    for _, job in by_kind.get("Job", []):
        jpod = ((job.get("spec") or {}).get("template") or {}).get("spec") or {}
        jcm, jsec = pod_references(jpod)
        jname = mname(job)
        check(jcm <= configmaps and jsec <= secrets,
              f"k8s Job {jname}: references only ConfigMaps/Secrets defined in deploy/k8s")
        for c in jpod.get("containers") or []:
            check(non_root(jpod, c), f"k8s Job {jname}: container {c.get('name')} runs as non-root")
            check(c.get("image") == image, f"k8s Job {jname}: same image as the Deployment",
                  f"{c.get('image')} vs {image}")

    kustomizations = by_kind.get("Kustomization", [])
    if check(bool(kustomizations), "k8s: kustomization.yaml exists"):
        for path, k in kustomizations:
            resources = k.get("resources") or []
            missing = [r for r in resources if not (path.parent / r).exists()]
            check(bool(resources) and not missing, "k8s kustomization: every resource exists",
                  "missing: " + ", ".join(missing))
            listed = {(path.parent / r).resolve() for r in resources}
            for needed in ("Deployment", "Service", "ConfigMap", "Secret",
                           "PersistentVolumeClaim"):
                files = {p.resolve() for p, _ in by_kind.get(needed, [])}
                check(bool(files & listed), f"k8s kustomization: lists the {needed}")


# ------------------------------------------------------------------ systemd
def check_systemd() -> None:
    if not check(UNIT.is_file(), "systemd unit exists", rel(UNIT)):
        return
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(UNIT.read_text())
    check(parser.has_section("Service"), "systemd: [Service] section")
    if not parser.has_section("Service"):
        return
    service = parser["Service"]
    exec_start = service.get("ExecStart", "")
    argv = shlex.split(exec_start.lstrip("@-:+!"))
    check(len(argv) >= 2 and argv[0].startswith("/") and argv[0].endswith("/bleibe")
          and argv[1] == "serve",
          "systemd: ExecStart runs /.../bleibe serve", f"ExecStart={exec_start!r}")
    user = service.get("User", "")
    check(bool(user) and user not in ("root", "0"), "systemd: runs as a non-root User",
          f"User={user!r}")
    env = service.get("Environment", "")
    check("BLEIBE_ENV=production" in env or parser.has_option("Service", "EnvironmentFile"),
          "systemd: production environment set")
    timeout = service.get("TimeoutStopSec")
    grace = default_setting("server.shutdown_grace_secs") or 20
    if timeout is not None and timeout.isdigit():
        check(int(timeout) > int(grace), "systemd: TimeoutStopSec > server.shutdown_grace_secs",
              f"{timeout} <= {grace}")
    check(parser.has_section("Install") and parser["Install"].get("WantedBy"),
          "systemd: [Install] WantedBy")


def main() -> int:
    steps = [("Dockerfile", check_dockerfile), ("compose", check_compose),
             ("Kubernetes", check_k8s), ("systemd", check_systemd)]
    for title, step in steps:
        print(f"== {title}")
        try:
            step()
        except (OSError, yaml.YAMLError, configparser.Error, ValueError, KeyError,
                TypeError, AttributeError) as error:
            check(False, f"{title}: files can be read and parsed", f"{type(error).__name__}: {error}")
    failures = [(name, detail) for ok, name, detail in results if not ok]
    print()
    if failures:
        print(f"{len(failures)} of {len(results)} checks failed:")
        for name, detail in failures:
            print(f"  - {name}" + (f": {detail}" if detail else ""))
        return 1
    print(f"all {len(results)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
