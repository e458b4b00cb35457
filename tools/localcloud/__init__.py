"""The local cloud of ``tools/devcloud``: Keystone + Neutron on 127.0.0.1.

Modules by responsibility: ``config`` (paths, ports, names), ``system``
(running processes), ``api`` (HTTP to the services), ``profiles``,
``conffiles`` (the services' configuration), ``services`` (the gunicorn
servers), ``keystone`` (projects, users, endpoints), ``mariadb`` and
``dataplane`` (MariaDB, Open vSwitch, OVN), ``provision``, ``vms``,
``commands`` and ``cli`` (argparse). Standard library only: it runs with
the system ``python3`` before any venv exists. The WSGI files and the
Neutron database initialiser run in the cloud's own venv.
"""
