"""The tools that write labels never write into their inputs or into foreign folders.

Each case runs the real tool: a few through a subprocess (the command line as users type
it), the others as ``__main__`` in this process, which saves a fresh interpreter's import
time. The inputs are a small copy of the shapes data, so that a tool that did overwrite them
could not spoil the shared ``shapes_root``.
"""
import os
import os.path as osp
import shutil

import pytest

from conftest import REPO, SEMI_CONFIG, run_tool, run_tool_main, semi_options
from mmnoisy.utils.output_dir import MARKER

IDS = 3  # images in the copied dataset


@pytest.fixture
def voc(tmp_path, shapes_root):
    """A copy of ``IDS`` images and labels of ``shapes_root`` in VOC layout."""
    root = tmp_path / 'voc'
    names = open(f'{shapes_root}/ImageSets/Segmentation/train.txt').read().split()[:IDS]
    for sub, suffix in (('JPEGImages', '.jpg'), ('SegmentationClass', '.png')):
        os.makedirs(root / sub)
        for name in names:
            shutil.copy(f'{shapes_root}/{sub}/{name}{suffix}', root / sub)
    os.makedirs(root / 'ImageSets/Segmentation')
    (root / 'ImageSets/Segmentation/train.txt').write_text('\n'.join(names) + '\n')
    return str(root)


def snapshot(folder):
    """Every folder and the bytes of every file under ``folder``."""
    state = {}
    for path, dirs, files in os.walk(folder):
        for name in dirs:
            state[osp.relpath(osp.join(path, name), folder) + '/'] = None
        for name in files:
            with open(osp.join(path, name), 'rb') as f:
                state[osp.relpath(osp.join(path, name), folder)] = f.read()
    return state


def assert_refused(code, err, *words):
    """Exit code 2 and exactly one ``error:`` line (no traceback) holding ``words``."""
    lines = [line for line in err.splitlines() if line.startswith('error:')]
    assert code == 2 and len(lines) == 1 and 'Traceback' not in err, err[-3000:]
    for word in words:
        assert word in lines[0], lines[0]


# out folder for each refused case, from the dataset root and a scratch folder
CASES = {
    'out == in': lambda root, tmp: f'{root}/SegmentationClass',
    'out == in via ..': lambda root, tmp: f'{root}/JPEGImages/../SegmentationClass',
    'out inside in': lambda root, tmp: f'{root}/SegmentationClass/sparse',
    'in inside out': lambda root, tmp: root,
    'foreign non-empty': lambda root, tmp: f'{root}/JPEGImages',
    'symlink to in': lambda root, tmp: symlink(f'{root}/SegmentationClass', f'{tmp}/link'),
}
REASONS = {'out == in': 'is the input folder', 'out == in via ..': 'is the input folder',
           'out inside in': 'lies inside the input folder',
           'in inside out': 'contains the input folder',
           'foreign non-empty': 'was not written by', 'symlink to in': 'is the input folder'}
LABEL_TOOLS = {
    'tools/synth_sparse_labels.py': ('--num-classes', '9'),
    'tools/synth_noise.py': ('--num-classes', '9', '--tier', 'mild'),
}


def symlink(target, link):
    os.symlink(target, link)
    return link


@pytest.mark.parametrize('case', sorted(CASES))
@pytest.mark.parametrize('tool', sorted(LABEL_TOOLS))
def test_label_tools_refuse_inputs_and_foreign_folders(tool, case, voc, tmp_path, capsys,
                                                       monkeypatch):
    before = snapshot(voc)
    out = CASES[case](voc, tmp_path)
    code, _, err = run_tool_main(tool, f'{voc}/SegmentationClass', out, *LABEL_TOOLS[tool],
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, out, REASONS[case], 'refusing to overwrite')
    assert snapshot(voc) == before  # the inputs byte for byte, and nothing added
    assert not osp.exists(osp.normpath(out) + '.partial')


def test_command_lines_print_one_error_line(voc, tmp_path):
    before = snapshot(voc)
    labels = f'{voc}/SegmentationClass'
    proc = run_tool('tools/synth_sparse_labels.py', labels, labels, check=False)
    assert_refused(proc.returncode, proc.stderr, 'is the input folder')
    proc = run_tool('tools/synth_noise.py', labels, f'{voc}/JPEGImages', '--num-classes', '9',
                    check=False)
    assert_refused(proc.returncode, proc.stderr, 'was not written by synth_noise')
    assert snapshot(voc) == before


@pytest.mark.parametrize('tool', sorted(LABEL_TOOLS))
def test_rerun_replaces_its_own_earlier_output(tool, voc, tmp_path, capsys, monkeypatch):
    before = snapshot(voc)
    out = str(tmp_path / 'out')
    ids = open(f'{voc}/ImageSets/Segmentation/train.txt').read().split()
    option = '--ann-file' if 'sparse' in tool else '--split'
    for count in (IDS, 2):  # the second run, on fewer ids, leaves no label of the first
        split = tmp_path / f'ids_{count}.txt'
        split.write_text('\n'.join(ids[:count]))
        code, _, err = run_tool_main(tool, f'{voc}/SegmentationClass', out, *LABEL_TOOLS[tool],
                                     option, split, capsys=capsys, monkeypatch=monkeypatch)
        assert code == 0, err[-3000:]
        assert sorted(f for f in os.listdir(out) if f.endswith('.png')) == sorted(
            f'{i}.png' for i in ids[:count])
        assert not osp.exists(out + '.partial')
    assert open(f'{out}/{MARKER}').read().strip() == osp.basename(tool)[:-3]
    assert snapshot(voc) == before


def test_output_of_another_tool_is_refused(voc, tmp_path, capsys, monkeypatch):
    out = str(tmp_path / 'noisy')
    labels = f'{voc}/SegmentationClass'
    code, _, err = run_tool_main('tools/synth_noise.py', labels, out, '--num-classes', '9',
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err[-3000:]
    before = snapshot(out)
    code, _, err = run_tool_main('tools/synth_sparse_labels.py', labels, out, '--num-classes', '9',
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, 'was written by synth_noise, not by synth_sparse_labels')
    assert snapshot(out) == before


def test_sparse_report_is_not_written_among_the_inputs(voc, tmp_path, capsys, monkeypatch):
    before = snapshot(voc)
    labels = f'{voc}/SegmentationClass'
    code, _, err = run_tool_main('tools/synth_sparse_labels.py', labels, tmp_path / 'out',
                                 '--report', f'{labels}/coverage.json', capsys=capsys,
                                 monkeypatch=monkeypatch)
    assert_refused(code, err, 'lies inside the input folder')
    assert snapshot(voc) == before and not osp.exists(tmp_path / 'out')


# --------------------------------------------------------------- tools/pseudo_label.py
PSEUDO_CASES = {
    'out == in': lambda root, tmp: f'{root}/SegmentationClass',
    'out inside in': lambda root, tmp: f'{root}/JPEGImages/pseudo',
    'in inside out': lambda root, tmp: root,
    'foreign non-empty': lambda root, tmp: f'{root}/ImageSets/Segmentation',
    'symlink to in': lambda root, tmp: symlink(f'{root}/JPEGImages', f'{tmp}/link'),
}


def pseudo_label_args(voc, out, tmp_path):
    # The checkpoint does not exist: the output folder is checked before the model is built.
    return [f'{REPO}/{SEMI_CONFIG}', tmp_path / 'missing.pth', '--out', out, '--work-dir',
            tmp_path / 'work', *semi_options(voc)]


@pytest.mark.parametrize('case', sorted(PSEUDO_CASES))
def test_pseudo_label_refuses_inputs_and_foreign_folders(case, voc, tmp_path, capsys,
                                                         monkeypatch):
    before = snapshot(voc)
    out = PSEUDO_CASES[case](voc, tmp_path)
    code, _, err = run_tool_main('tools/pseudo_label.py', *pseudo_label_args(voc, out, tmp_path),
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, out, REASONS[case])
    assert snapshot(voc) == before
    assert not osp.exists(tmp_path / 'work')  # refused before the runner was built


def test_pseudo_label_command_line_refuses_the_label_folder(voc, tmp_path):
    before = snapshot(voc)
    proc = run_tool('tools/pseudo_label.py', *map(str, pseudo_label_args(
        voc, f'{voc}/SegmentationClass', tmp_path)), check=False)
    assert_refused(proc.returncode, proc.stderr, 'is the input folder')
    assert snapshot(voc) == before


# ---------------------------------------------------------- tools/generate_demo_data.py
DEMO = ('--num-train', '4', '--num-val', '2', '--workers', '1')


def test_demo_data_never_replaces_a_folder_it_did_not_write(tmp_path, capsys, monkeypatch):
    root = tmp_path / 'mine'
    os.makedirs(root)
    (root / 'notes.txt').write_text('keep me')
    code, _, err = run_tool_main('tools/generate_demo_data.py', '--out', root, *DEMO,
                                 '--overwrite', capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, str(root), 'was not written by generate_demo_data')
    assert os.listdir(root) == ['notes.txt'] and (root / 'notes.txt').read_text() == 'keep me'
    assert not osp.exists(f'{root}.partial')


def test_demo_data_replaces_its_own_data_only_when_asked(tmp_path, capsys, monkeypatch):
    root = tmp_path / 'shapes'
    code, _, err = run_tool_main('tools/generate_demo_data.py', '--out', root, *DEMO,
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err[-3000:]
    assert open(root / MARKER).read().strip() == 'generate_demo_data'
    other_spec = ('--seed', '1', *DEMO)
    code, _, err = run_tool_main('tools/generate_demo_data.py', '--out', root, *other_spec,
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, '--overwrite')
    code, _, err = run_tool_main('tools/generate_demo_data.py', '--out', root, *other_spec,
                                 '--overwrite', capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err[-3000:]
    assert '"seed": 1' in open(root / 'meta.json').read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['shapes']  # no .partial, no .old
    # Another tool's output inside the demo root (docs/adele.md puts noisy labels there):
    # --overwrite must not delete it with the old data.
    noisy = root / 'SegmentationClassNoisy_moderate'
    noisy.mkdir()
    (noisy / 'a.png').write_bytes(b'noisy')
    code, _, err = run_tool_main('tools/generate_demo_data.py', '--out', root, *DEMO,
                                 '--overwrite', capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, 'SegmentationClassNoisy_moderate', 'move them out first')
    assert (noisy / 'a.png').read_bytes() == b'noisy' and '"seed": 1' in open(
        root / 'meta.json').read()


def test_leftover_staging_folder_is_replaced_only_if_the_tool_wrote_it(voc, tmp_path, capsys,
                                                                       monkeypatch):
    out, labels = str(tmp_path / 'noisy'), f'{voc}/SegmentationClass'
    os.makedirs(out + '.partial')
    with open(f'{out}.partial/notes.txt', 'w') as f:
        f.write('keep me')
    args = ('tools/synth_noise.py', labels, out, '--num-classes', '9')
    code, _, err = run_tool_main(*args, capsys=capsys, monkeypatch=monkeypatch)
    assert_refused(code, err, 'staging folder', 'was not written by synth_noise')
    assert os.listdir(out + '.partial') == ['notes.txt'] and not osp.exists(out)
    with open(f'{out}.partial/{MARKER}', 'w') as f:
        f.write('synth_noise\n')  # now it is what a killed run of the tool leaves
    code, _, err = run_tool_main(*args, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err[-3000:]
    assert not osp.exists(out + '.partial') and not osp.exists(f'{out}/notes.txt')
    assert len([f for f in os.listdir(out) if f.endswith('.png')]) == IDS
