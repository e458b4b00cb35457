# Release notes of osc-portsec, built with reno.

extensions = [
    'reno.sphinxext',
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

project = 'osc-portsec Release Notes'
copyright = '2026, osc-portsec developers'
master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
pygments_style = 'native'
templates_path = ['_templates']
html_static_path = ['_static']
locale_dirs = ['locale/']
