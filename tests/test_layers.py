"""The package structure: no import cycles, and every import goes down the layers.

Imports are read from the source with ``ast`` (nothing is imported), so a new cycle or an
upward import fails here with the modules named, before it shows up as an ImportError.
"""
import ast
import os
import os.path as osp
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROOT = 'mmnoisy'
# Each package of mmnoisy and its layer: a package imports only from lower layers (or from
# itself). Mirrors the README's "Layout" block.
LAYERS = {
    'utils': 0, 'version': 0,             # leaf helpers and constants
    'registry': 1,                        # child registries of mmseg's
    'datasets': 2, 'evaluation': 2,       # runtime data; metrics
    'models': 3, 'synthesis': 3,          # networks; offline data making
    'pseudo': 4,                          # labels from a model's predictions
    'engine': 5,                          # runner, loops, hooks
    'apis': 6,                            # the tools' command line
}

Edge = Tuple[str, str, bool]  # importer, imported module, executed at import time


def module_files(root_dir: str, package: str = ROOT) -> Dict[str, str]:
    """Every module under ``root_dir/package``: dotted name -> file."""
    modules = {}
    for folder, dirs, files in os.walk(osp.join(root_dir, package)):
        # `pip install .` leaves mmnoisy/.mim (copies of tools and configs for mim): not code.
        dirs[:] = [d for d in dirs if not d.startswith('.') and d != '__pycache__']
        for name in files:
            if name.endswith('.py'):
                path = osp.join(folder, name)
                dotted = osp.relpath(path, root_dir)[:-3].replace(os.sep, '.')
                modules[dotted.removesuffix('.__init__')] = path
    return modules


def _is_package(path: str) -> bool:
    return osp.basename(path) == '__init__.py'


def _import_time_nodes(tree: ast.AST) -> Set[ast.AST]:
    """Import statements outside function bodies (run when the module is imported)."""
    lazy = {node for func in ast.walk(tree)
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(func) if node is not func}
    return {node for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom)) and node not in lazy}


def _targets(node: ast.AST, module: str, path: str, modules: Dict[str, str]) -> Iterator[str]:
    """The modules of ``package`` that one import statement names."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ''
    if node.level:  # relative: from the importer's package, up level - 1 packages
        package = module if _is_package(path) else module.rpartition('.')[0]
        parts = package.split('.')[:len(package.split('.')) - node.level + 1]
        base = '.'.join(parts + ([node.module] if node.module else []))
    for alias in node.names:
        submodule = f'{base}.{alias.name}'
        yield submodule if submodule in modules else base


def import_edges(root_dir: str, package: str = ROOT) -> List[Edge]:
    """Every import of one module of ``package`` by another."""
    modules = module_files(root_dir, package)
    edges = []
    for module, path in modules.items():
        with open(path) as f:
            tree = ast.parse(f.read(), path)
        eager = _import_time_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, module, path, modules):
                    if target.split('.')[0] == package and target != module:
                        edges.append((module, target, node in eager))
    return edges


def _with_parent_packages(edges: List[Edge]) -> List[Edge]:
    """Importing ``a.b.c`` first runs ``a.b``'s ``__init__``: add that edge too, except for
    the root package and the importer's own packages (already being imported)."""
    out = list(edges)
    for source, target, eager in edges:
        parts = target.split('.')
        for depth in range(2, len(parts)):
            parent = '.'.join(parts[:depth])
            if not (source + '.').startswith(parent + '.'):
                out.append((source, parent, eager))
    return out


def find_cycle(graph: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One cycle of ``graph`` as a path that returns to its start, or None."""
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    path: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def module_graph(edges: List[Edge]) -> Dict[str, Set[str]]:
    """Module -> modules it imports when it is imported (function-level imports left out)."""
    graph: Dict[str, Set[str]] = {}
    for source, target, eager in _with_parent_packages(edges):
        if eager and source != ROOT and target != ROOT:
            graph.setdefault(source, set()).add(target)
    return graph


def package_graph(edges: List[Edge]) -> Dict[str, Set[str]]:
    """Package (``mmnoisy.<name>``) -> packages it imports anywhere, lazily included."""
    graph: Dict[str, Set[str]] = {}
    for source, target, _ in edges:
        src, dst = source.split('.')[1:2], target.split('.')[1:2]
        if src and dst and src != dst:
            graph.setdefault(src[0], set()).add(dst[0])
    return graph


@pytest.fixture(scope='module')
def edges() -> List[Edge]:
    return import_edges(REPO)


def test_no_import_cycle_between_modules(edges):
    cycle = find_cycle(module_graph(edges))
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)


def test_no_cycle_between_packages(edges):
    cycle = find_cycle(package_graph(edges))
    assert cycle is None, 'packages import each other: ' + ' -> '.join(cycle)


def test_utils_imports_nothing_else_of_mmnoisy(edges):
    outside = sorted({f'{source} imports {target}' for source, target, _ in edges
                      if source.startswith(f'{ROOT}.utils')
                      and not target.startswith(f'{ROOT}.utils')})
    assert not outside, 'mmnoisy.utils must stay a leaf: ' + '; '.join(outside)


def test_every_package_has_a_layer():
    packages = {name.split('.')[1] for name in module_files(REPO) if name != ROOT}
    assert packages == set(LAYERS), 'add the new package to LAYERS (and the README layout)'


def test_imports_go_down_the_layers(edges):
    upward = sorted({
        f'{source} imports {target}' for source, target, _ in edges
        if source != ROOT and source.split('.')[1] != target.split('.')[1]
        and LAYERS[source.split('.')[1]] <= LAYERS[target.split('.')[1]]})
    assert not upward, 'imports across packages must go to a lower layer: ' + '; '.join(upward)


# ------------------------------------------------------------ the checks catch mistakes
def _write_package(root, files: Dict[str, str]) -> str:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return str(root)


def test_a_cycle_through_a_package_init_is_found(tmp_path):
    root = _write_package(tmp_path, {
        'mmnoisy/__init__.py': '',
        'mmnoisy/datasets/__init__.py': 'from mmnoisy.synthesis import gen\n',
        'mmnoisy/datasets/splits.py': '',
        'mmnoisy/synthesis/__init__.py': '',
        'mmnoisy/synthesis/gen.py': 'from ..datasets.splits import x\n',
    })
    cycle = find_cycle(module_graph(import_edges(root)))
    assert cycle == ['mmnoisy.datasets', 'mmnoisy.synthesis.gen', 'mmnoisy.datasets']


def test_lazy_imports_count_for_packages_not_modules(tmp_path):
    root = _write_package(tmp_path, {
        'mmnoisy/__init__.py': '',
        'mmnoisy/utils/__init__.py': '',
        'mmnoisy/utils/cli.py': 'def main():\n    from mmnoisy.engine import run\n',
        'mmnoisy/engine/__init__.py': 'from mmnoisy.utils import cli\n',
    })
    edges = import_edges(root)
    assert ('mmnoisy.utils.cli', 'mmnoisy.engine', False) in edges
    assert find_cycle(module_graph(edges)) is None
    assert find_cycle(package_graph(edges)) == ['engine', 'utils', 'engine']
