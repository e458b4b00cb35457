# Documentation of osc-portsec, built with Sphinx.

extensions = [
    'cliff.sphinxext',
]
try:
    import openstackdocstheme  # noqa: F401
except ImportError:
    html_theme = 'alabaster'
else:
    extensions.append('openstackdocstheme')
    html_theme = 'openstackdocs'
    openstackdocs_repo_name = 'openstack/osc-portsec'
    openstackdocs_bug_project = 'osc-portsec'
    openstackdocs_auto_name = False

project = 'osc-portsec'
copyright = '2026, osc-portsec developers'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
pygments_style = 'native'

# The command reference is generated from the real parsers, so it never
# drifts from --help.
autoprogram_cliff_application = 'openstack'
