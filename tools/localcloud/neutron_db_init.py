"""Create the Neutron schema on sqlite (run with the devcloud venv's python).

`neutron-db-manage upgrade heads` cannot run on sqlite (ALTER of
constraints), so the schema is created from the models' metadata, the
alembic heads are stamped, and the 4 legacy default security group rule
templates that migration c33da356b165 inserts are added by hand.

Usage: python neutron_db_init.py sqlite:////abs/path/neutron.sqlite
"""
import os
import sys

import neutron.db.migration.alembic_migrations.versions as versions_pkg
from neutron.db.migration.models import head
from neutron_lib import constants
from oslo_utils import uuidutils
import sqlalchemy as sa

INGRESS_RULE_DESCRIPTION = "Legacy default SG rule for ingress traffic"
EGRESS_RULE_DESCRIPTION = "Legacy default SG rule for egress traffic"

# Copied from migration c33da356b165_security_group_default_rules.py
TEMPLATE_RULES = [
    {'direction': constants.EGRESS_DIRECTION,
     'ethertype': constants.IPv4,
     'used_in_default_sg': True,
     'used_in_non_default_sg': True,
     'description': EGRESS_RULE_DESCRIPTION},
    {'direction': constants.EGRESS_DIRECTION,
     'ethertype': constants.IPv6,
     'used_in_default_sg': True,
     'used_in_non_default_sg': True,
     'description': EGRESS_RULE_DESCRIPTION},
    {'direction': constants.INGRESS_DIRECTION,
     'ethertype': constants.IPv4,
     'remote_group_id': 'PARENT',
     'used_in_default_sg': True,
     'used_in_non_default_sg': False,
     'description': INGRESS_RULE_DESCRIPTION},
    {'direction': constants.INGRESS_DIRECTION,
     'ethertype': constants.IPv6,
     'remote_group_id': 'PARENT',
     'used_in_default_sg': True,
     'used_in_non_default_sg': False,
     'description': INGRESS_RULE_DESCRIPTION},
]


def alembic_heads():
    vdir = os.path.dirname(versions_pkg.__file__)
    heads = []
    for name in ('EXPAND_HEAD', 'CONTRACT_HEAD'):
        with open(os.path.join(vdir, name)) as f:
            heads.append(f.read().strip())
    return heads


def main(url):
    engine = sa.create_engine(url)
    metadata = head.get_metadata()
    metadata.create_all(engine)
    std = metadata.tables['standardattributes']
    tmpl = metadata.tables['securitygroupdefaultrules']
    with engine.begin() as conn:
        conn.execute(sa.text(
            'CREATE TABLE IF NOT EXISTS alembic_version '
            '(version_num VARCHAR(32) NOT NULL PRIMARY KEY)'))
        conn.execute(sa.text('DELETE FROM alembic_version'))
        for rev in alembic_heads():
            conn.execute(sa.text(
                'INSERT INTO alembic_version (version_num) VALUES (:v)'),
                {'v': rev})
        if conn.execute(sa.select(sa.func.count()).select_from(tmpl)).scalar():
            return
        for rule in TEMPLATE_RULES:
            rule = dict(rule)
            res = conn.execute(sa.insert(std).values(
                description=rule.pop('description'),
                resource_type='securitygroupdefaultrules'))
            rule['id'] = uuidutils.generate_uuid()
            rule['standard_attr_id'] = res.inserted_primary_key[0]
            conn.execute(sa.insert(tmpl).values(**rule))
    print('neutron db: %d tables' % len(metadata.tables))


if __name__ == '__main__':
    main(sys.argv[1])
