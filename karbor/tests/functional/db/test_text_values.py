"""Text from every Unicode plane is stored and compared on every backend."""

from karbor.db import api as db

# Outside the Basic Multilingual Plane: four bytes each in UTF-8.
ASTRAL = '\U0001F600\U00010348'


def test_four_byte_characters_are_stored_and_compared(db_backend, ctx):
    name = 'plan ' + ASTRAL
    plan = db.plan_create(ctx, {'name': name, 'project_id': 'project',
                                'status': 'suspended', 'parameters': {}})
    assert db.plan_get(ctx, plan.id).name == name
    # A filter compares the text with a column: MariaDB refused to mix a
    # 3-byte utf8 literal with the utf8mb4 column.
    assert db.plan_get_all(ctx, filters={'status': ASTRAL}) == []
    found = db.plan_get_all(ctx, filters={'status': 'suspended'})
    assert [p.name for p in found] == [name]
