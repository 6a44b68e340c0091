"""mmnoisy: MMSegmentation 1.x extension for noisy, sparse and missing labels.

``mmcv`` is not an install requirement (as in mmseg): full mmcv or mmcv-lite both work, and
``requirements/mminstall.txt`` names it for ``mim install``. Install torch first (pinned),
then ``pip install .``; ``tools/setup_env.sh`` does both.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(path):
    with open(osp.join(HERE, path)) as f:
        return [line.split('#')[0].strip() for line in f
                if line.split('#')[0].strip()]


def version():
    scope = {}
    with open(osp.join(HERE, 'mmnoisy', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


def add_mim_extension():
    """Put tools/ and configs/ inside the package (``mmnoisy/.mim``) for ``mim train``.

    Built packages (wheel, sdist) get copies; ``setup.py develop`` gets symlinks. PEP 660
    editable installs (``pip install -e .``) run neither, so mim needs ``pip install .``.
    """
    if 'develop' in sys.argv:
        mode = 'symlink'
    elif any(cmd in sys.argv for cmd in ('sdist', 'bdist_wheel', 'install')):
        mode = 'copy'
    else:
        return
    mim_path = osp.join(HERE, 'mmnoisy', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in ('tools', 'configs'):
        src, dst = osp.join(HERE, name), osp.join(mim_path, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_path), dst)
        else:
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns('__pycache__'))


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmnoisy',
        version=version(),
        description='MMSegmentation extension for training from noisy, sparse or missing '
        'labels',
        long_description=open(osp.join(HERE, 'README.md')).read(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        python_requires='>=3.8',
        packages=find_packages(include=['mmnoisy', 'mmnoisy.*']),
        include_package_data=True,
        package_data={'mmnoisy': ['.mim/configs/**/*', '.mim/tools/*', '.mim/tools/**/*']},
        install_requires=read_requirements('requirements/runtime.txt'),
        extras_require=dict(
            tests=read_requirements('requirements/tests.txt'),
            optional=read_requirements('requirements/optional.txt'),
            mim=read_requirements('requirements/mminstall.txt')),
        zip_safe=False)
