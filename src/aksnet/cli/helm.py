"""``aksnet helm``: the helm 3 subset (repo add|update|list|remove, install, upgrade, uninstall, list, status,
history, get values|manifest) on the current kubeconfig context of the workspace.

Parses the command line the way helm (cobra) does, calls ``aksnet.twin.helm.actions`` in one transaction,
and prints helm's output; errors as ``Error: …`` with exit 1. Nothing else may import this module.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
from typing import Any

from aksnet.cli.common import command_transaction
from aksnet.cli.kubectl.output import to_yaml
from aksnet.errors import AksnetError
from aksnet.twin import kubeconfig
from aksnet.twin.helm import actions, repos
from aksnet.twin.helm.releases import Release
from aksnet.twin.helm.values import HelmError, user_values
from aksnet.twin.kube import clock

GET_USAGE = """This command consists of multiple subcommands which can be used to get extended information about
the release.

Usage:
  helm get [command]

Available Commands:
  manifest    download the manifest for a named release
  values      download the values file for a named release"""
REPO_USAGE = """This command consists of multiple subcommands to interact with chart repositories.

Usage:
  helm repo [command]

Available Commands:
  add         add a chart repository
  list        list chart repositories
  remove      remove one or more chart repositories
  update      update information of available charts locally from chart repositories"""
HELM_VERSION = "v3.16.2"  # the helm 3 release whose behaviour is emulated

USAGE = """The Kubernetes package manager (aksnet's emulation: built-in charts, no network)

Usage:
  helm [command]

Available Commands:
  get         download extended information of a named release
  history     fetch release history
  install     install a chart
  list        list releases
  repo        add, list, remove, update chart repositories
  search      search for a keyword in charts (search repo)
  show        show information of a chart (show values, show chart)
  status      display the status of the named release
  template    locally render templates
  uninstall   uninstall a release
  upgrade     upgrade a release
  version     print the client version information

Flags:
  -n, --namespace string   namespace scope for this request
      --kube-context string   name of the kubeconfig context to use

Built-in charts: ingress-nginx/ingress-nginx (repository https://kubernetes.github.io/ingress-nginx)."""


COMMANDS = {"repo", "install", "i", "upgrade", "uninstall", "delete", "del", "un", "list", "ls", "status", "history",
            "hist", "template", "version", "get", "show", "inspect", "search"}
# positional arguments each command takes (cobra's "requires at most N arguments")
MAX_ARGS = {"install": 2, "i": 2, "upgrade": 2, "template": 2, "status": 1, "history": 1, "hist": 1, "list": 0,
            "ls": 0, "version": 0}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # cobra's wording instead of argparse's
        full = self.prog[5:] if self.prog.startswith("helm ") else self.prog
        cmd = full.split()[-1] if full else ""
        if "the following arguments are required" in message:
            if cmd in ("install", "i", "template"):
                raise HelmError("INSTALLATION FAILED: must either provide a name or specify --generate-name")
            if cmd == "upgrade":
                raise HelmError('"helm upgrade" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]')
            if full == "repo add":
                raise HelmError('"helm repo add" requires 2 arguments\n\nUsage:  helm repo add [NAME] [URL] [flags]')
            raise HelmError(f'"helm {full}" requires at least 1 argument')
        m = re.search(r"invalid choice: '([^']*)'", message)
        if m:
            raise HelmError(f'unknown command "{m.group(1)}" for "helm {full}"'.replace(' "helm "', ' "helm"'))
        raise HelmError(message)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-n", "--namespace", default=None)
    p.add_argument("--kube-context", default=None)
    p.add_argument("--debug", action="store_true")
    p.add_argument("-o", "--output", default="table", choices=["table", "json", "yaml"])


def _values_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", action="append", default=[])
    p.add_argument("--set-string", action="append", default=[])
    p.add_argument("-f", "--values", action="append", default=[])
    p.add_argument("--version", default=None)
    p.add_argument("--create-namespace", action="store_true")
    for flag in ("--wait", "--atomic", "--dry-run", "--devel", "--skip-crds", "--wait-for-jobs"):
        p.add_argument(flag, action="store_true")
    p.add_argument("--timeout", default=None)
    p.add_argument("--description", default=None)


def _parser() -> argparse.ArgumentParser:
    root = _Parser(prog="helm", add_help=False)
    sub = root.add_subparsers(dest="cmd", parser_class=_Parser)
    repo = sub.add_parser("repo", add_help=False)
    rsub = repo.add_subparsers(dest="repo_cmd", parser_class=_Parser)
    ra = rsub.add_parser("add", add_help=False)
    ra.add_argument("name")
    ra.add_argument("url")
    ra.add_argument("--force-update", action="store_true")
    _common(ra)
    ru = rsub.add_parser("update", aliases=["up"], add_help=False)
    ru.add_argument("names", nargs="*")
    _common(ru)
    rl = rsub.add_parser("list", aliases=["ls"], add_help=False)
    _common(rl)
    rr = rsub.add_parser("remove", aliases=["rm"], add_help=False)
    rr.add_argument("names", nargs="+")
    _common(rr)
    for name, aliases in (("install", ["i"]), ("upgrade", [])):
        p = sub.add_parser(name, aliases=aliases, add_help=False)
        p.add_argument("release")
        p.add_argument("chart", nargs="?" if name != "upgrade" else None)
        if name != "upgrade":
            p.add_argument("-g", "--generate-name", action="store_true")
        _common(p)
        _values_flags(p)
        if name == "upgrade":
            p.add_argument("-i", "--install", action="store_true")
            p.add_argument("--reuse-values", action="store_true")
            p.add_argument("--reset-values", action="store_true")
    un = sub.add_parser("uninstall", aliases=["delete", "del", "un"], add_help=False)
    un.add_argument("releases", nargs="+")
    un.add_argument("--keep-history", action="store_true")
    for flag in ("--wait", "--dry-run"):
        un.add_argument(flag, action="store_true")
    un.add_argument("--timeout", default=None)
    _common(un)
    ls = sub.add_parser("list", aliases=["ls"], add_help=False)
    ls.add_argument("-A", "--all-namespaces", action="store_true")
    ls.add_argument("-a", "--all", action="store_true")
    ls.add_argument("-q", "--short", action="store_true")
    _common(ls)
    st = sub.add_parser("status", add_help=False)
    st.add_argument("release")
    _common(st)
    hi = sub.add_parser("history", aliases=["hist"], add_help=False)
    hi.add_argument("release")
    _common(hi)
    tp = sub.add_parser("template", add_help=False)
    tp.add_argument("release")
    tp.add_argument("chart")
    _common(tp)
    _values_flags(tp)
    sub.add_parser("version", add_help=False).add_argument("--short", action="store_true")
    get = sub.add_parser("get", add_help=False)
    gsub = get.add_subparsers(dest="get_cmd", parser_class=_Parser)
    gv = gsub.add_parser("values", add_help=False)
    gv.add_argument("release")
    gv.add_argument("-a", "--all", action="store_true")
    gv.add_argument("--revision", type=int, default=None)
    _common(gv)
    show = sub.add_parser("show", aliases=["inspect"], add_help=False)
    ssub = show.add_subparsers(dest="show_cmd", parser_class=_Parser)
    for what in ("values", "chart"):
        sp = ssub.add_parser(what, add_help=False)
        sp.add_argument("chart")
        sp.add_argument("--version", default=None)
        _common(sp)
    search = sub.add_parser("search", add_help=False)
    srch = search.add_subparsers(dest="search_cmd", parser_class=_Parser)
    sr = srch.add_parser("repo", add_help=False)
    sr.add_argument("keyword", nargs="?")
    sr.add_argument("-l", "--versions", action="store_true")
    _common(sr)
    gm = gsub.add_parser("manifest", add_help=False)
    gm.add_argument("release")
    gm.add_argument("--revision", type=int, default=None)
    _common(gm)
    return root


def _ansic(ts: str) -> str:
    t = clock.parse(ts)
    return t.strftime("%a %b ") + f"{t.day:>2}" + t.strftime(" %H:%M:%S %Y")


def _updated(ts: str) -> str:
    t = clock.parse(ts).astimezone(_dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M:%S.000000000 +0000 UTC")


def _table(rows: list[list[str]]) -> str:
    """helm's uitable: cells padded to the column width and joined with a tab."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("\t".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in rows)


def _status_text(rel: Release, show_notes: bool = True) -> str:
    lines = [f"NAME: {rel.name}", f"LAST DEPLOYED: {_ansic(rel.body['info']['last_deployed'])}",
             f"NAMESPACE: {rel.namespace}", f"STATUS: {rel.status}", f"REVISION: {rel.version}",
             "TEST SUITE: None"]
    notes = rel.body["info"].get("notes")
    if show_notes and notes:
        lines += ["NOTES:", notes.rstrip("\n")]
    return "\n".join(lines)


def _release_json(rel: Release) -> dict[str, Any]:
    return {"name": rel.name, "info": rel.body["info"], "config": rel.config, "manifest": rel.body["manifest"],
            "version": rel.version, "namespace": rel.namespace,
            "chart": {"metadata": rel.body["chart"]["metadata"]}}


def _emit(data: Any, output: str) -> None:
    if output == "json":
        print(json.dumps(data, separators=(",", ":")))
    else:
        print(to_yaml(data), end="")


def _cluster(tx: Any, context: str | None) -> str:
    return kubeconfig.current_cluster_id(tx, context)


def _warn_values(tx: Any, chart: str, values: dict[str, Any], version: str | None) -> None:
    """Values the chart does not have, or aksnet does not emulate, are named on stderr (helm itself says
    nothing about the first kind; aksnet must not let either vanish silently)."""
    for line in actions.value_warnings(tx, chart, values, version):
        print(line, file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    ns = getattr(args, "namespace", None) or "default"
    if args.cmd == "repo":
        return _repo(args)
    if args.cmd in ("install", "i", "upgrade"):
        values = user_values(args.values, args.set, args.set_string)
        with command_transaction() as tx:
            cid = _cluster(tx, args.kube_context)
            if args.cmd == "upgrade":
                rel = actions.upgrade(tx, cid, args.release, args.chart, ns, values, args.version, args.reuse_values,
                                      args.reset_values, args.install, args.create_namespace)
            else:
                release, chart = args.release, args.chart
                if chart is None:
                    if not args.generate_name:
                        raise HelmError("INSTALLATION FAILED: must either provide a name or specify --generate-name")
                    chart = release
                    release = f"{chart.rsplit('/', 1)[-1]}-{int(clock.now().timestamp())}"
                elif args.generate_name:
                    raise HelmError("INSTALLATION FAILED: cannot set --generate-name and also specify a name")
                rel = actions.install(tx, cid, release, chart, ns, values, args.version, args.create_namespace)
            _refresh_gateway_status(tx, cid)
            _warn_values(tx, args.chart or args.release, values, args.version)
        if args.output == "table":
            if args.cmd == "upgrade" and rel.version > 1:
                print(f'Release "{rel.name}" has been upgraded. Happy Helming!')
            print(_status_text(rel))
        else:
            _emit(_release_json(rel), args.output)
        return 0
    if args.cmd in ("show", "inspect"):
        from aksnet.cli.helm_show import show

        return show(args.show_cmd or "", args.chart, args.version)
    if args.cmd == "search":
        from aksnet.cli.helm_show import search_repo

        if args.search_cmd != "repo":
            raise HelmError(f'unknown command "{args.search_cmd}" for "helm search"')
        return search_repo(args.keyword, args.versions)
    if args.cmd == "version":
        print(HELM_VERSION if args.short else
              f'version.BuildInfo{{Version:"{HELM_VERSION}", GitCommit:"", GitTreeState:"clean", GoVersion:"aksnet"}}')
        return 0
    if args.cmd == "template":
        values = user_values(args.values, args.set, args.set_string)
        with command_transaction(write=False) as tx:
            print(actions.template(tx, args.release, args.chart, ns, values, args.version), end="")
            _warn_values(tx, args.chart, values, args.version)
        return 0
    if args.cmd in ("uninstall", "delete", "del", "un"):
        with command_transaction() as tx:
            cid = _cluster(tx, args.kube_context)
            msgs = [actions.uninstall(tx, cid, r, ns, args.keep_history) for r in args.releases]
            _refresh_gateway_status(tx, cid)
        print("\n".join(msgs))
        return 0
    with command_transaction(write=False) as tx:
        cid = _cluster(tx, args.kube_context)
        return _read_only(tx, cid, args, ns)


def _read_only(tx: Any, cid: str, args: argparse.Namespace, ns: str) -> int:
    if args.cmd in ("list", "ls"):
        rels = actions.list_releases(tx, cid, None if args.all_namespaces else ns, args.all)
        if args.short:
            print("\n".join(r.name for r in rels)) if rels else None
            return 0
        if args.output != "table":
            _emit([{"name": r.name, "namespace": r.namespace, "revision": str(r.version),
                    "updated": _updated(r.body["info"]["last_deployed"]), "status": r.status,
                    "chart": f"{r.chart_name}-{r.chart_version}", "app_version": r.app_version} for r in rels],
                  args.output)
            return 0
        rows = [["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]]
        rows += [[r.name, r.namespace, str(r.version), _updated(r.body["info"]["last_deployed"]), r.status,
                  f"{r.chart_name}-{r.chart_version}", r.app_version] for r in rels]
        print(_table(rows))
        return 0
    if args.cmd == "status":
        rel = actions.status(tx, cid, args.release, ns)
        print(_status_text(rel)) if args.output == "table" else _emit(_release_json(rel), args.output)
        return 0
    if args.cmd in ("history", "hist"):
        from aksnet.twin.helm import releases
        from aksnet.twin.kube.apiserver import ApiServer

        hist = releases.history(ApiServer(tx, cid), args.release, ns)
        if not hist:
            raise HelmError("release: not found")
        rows = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
        rows += [[str(r.version), _ansic(r.body["info"]["last_deployed"]), r.status,
                  f"{r.chart_name}-{r.chart_version}", r.app_version, r.body["info"]["description"]] for r in hist]
        print(_table(rows))
        return 0
    if args.cmd == "get" and args.get_cmd == "values":
        vals = actions.get_values(tx, cid, args.release, ns, args.all, args.revision)
        if args.output == "json":
            print(json.dumps(vals, separators=(",", ":")))
        else:
            if args.output != "yaml":  # the table output has a header; -o yaml only the values
                print("COMPUTED VALUES:" if args.all else "USER-SUPPLIED VALUES:")
            # sigs.k8s.io/yaml as helm prints values: keys sorted, "true"/"1" double-quoted
            print(to_yaml(vals) if vals else "null", end="\n" if not vals else "")
        return 0
    if args.cmd == "get" and args.get_cmd == "manifest":
        rel = actions.status(tx, cid, args.release, ns)
        print(rel.body.get("manifest", ""), end="")
        return 0
    raise HelmError(f'unknown command "{args.cmd}" for "helm"\nRun \'helm --help\' for usage.')


def _repo(args: argparse.Namespace) -> int:
    if args.repo_cmd == "add":
        with command_transaction() as tx:
            print(repos.add_repo(tx, args.name, args.url, args.force_update))
        return 0
    if args.repo_cmd in ("update", "up"):
        with command_transaction(write=False) as tx:
            print(repos.update_repos(tx, args.names))
        return 0
    if args.repo_cmd in ("remove", "rm"):
        with command_transaction() as tx:
            print("\n".join(repos.remove_repo(tx, n) for n in args.names))
        return 0
    if args.repo_cmd in ("list", "ls"):
        with command_transaction(write=False) as tx:
            items = repos.list_repos(tx)
        if not items:
            raise HelmError("no repositories to show")
        if args.output != "table":
            _emit(items, args.output)
        else:
            print(_table([["NAME", "URL"]] + [[r["name"], r["url"]] for r in items]))
        return 0
    if args.repo_cmd is None:
        print(REPO_USAGE)
        return 0
    raise HelmError(f'unknown command "{args.repo_cmd}" for "helm repo"')


_GLOBAL_WITH_VALUE = ("-n", "--namespace", "--kube-context")


def _globals_last(argv: list[str]) -> list[str]:
    """Cobra accepts persistent flags anywhere (``helm -n x list``): move leading ones after the command."""
    lead: list[str] = []
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        flag = argv[i]
        if flag in _GLOBAL_WITH_VALUE and i + 1 < len(argv):
            lead += argv[i:i + 2]
            i += 2
        elif flag.split("=", 1)[0] in _GLOBAL_WITH_VALUE or flag == "--debug":
            lead.append(flag)
            i += 1
        else:
            break
    rest = argv[i:]
    if not rest:
        return argv
    depth = 2 if rest[0] in ("repo", "get") and len(rest) > 1 else 1
    return rest[:depth] + lead + rest[depth:]


UNREACHABLE = "Unable to connect to the server: "


def run(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    parser = _parser()
    try:
        argv = _globals_last(argv)
        first = argv[0] if argv and not argv[0].startswith("-") else ""
        if first not in COMMANDS:
            raise HelmError(f'unknown command "{first}" for "helm"\nRun \'helm --help\' for usage.')
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            flag = next((u for u in unknown if u.startswith("-")), None)
            if flag:
                raise HelmError(f"unknown flag: {flag.split('=')[0]}")
            n = MAX_ARGS.get(args.cmd, 1)
            raise HelmError(f'"helm {args.cmd}" requires at most {n} argument{"s" if n != 1 else ""}'
                            if n else f'unknown command "{unknown[0]}" for "helm {args.cmd}"')
        if args.cmd == "get" and args.get_cmd is None:
            print(GET_USAGE)
            return 0
        if args.cmd is None:
            raise HelmError(f'unknown command "{argv[0]}" for "helm"\nRun \'helm --help\' for usage.')
        return _run(args)
    except HelmError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except AksnetError as exc:
        text = exc.render()
        text = text[len("error: "):] if text.startswith("error: ") else text
        if "current-context" in text or ("context" in text and "does not exist" in text):
            text = f"Kubernetes cluster unreachable: {text}"
        elif text.startswith(UNREACHABLE):  # a deleted cluster: helm asks the API server for /version first
            reason = text[len(UNREACHABLE):]
            host = reason.split("lookup ", 1)[-1].split(":", 1)[0]
            text = f'Kubernetes cluster unreachable: Get "https://{host}:443/version": {reason}'
        print(f"Error: {text}", file=sys.stderr)
        return 1


def _refresh_gateway_status(tx: Any, cluster_id: str) -> None:
    """A chart can start a Gateway API controller (the ALB Controller): its classes' status follows at once."""
    from aksnet.cli.kubectl import gateway_controller
    from aksnet.twin.kube.apiserver import ApiServer

    api = ApiServer(tx, cluster_id)
    gateway_controller.refresh(api)
    api.close()
