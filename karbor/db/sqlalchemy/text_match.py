"""Text filters that run in bounded time on every backend.

A text filter value matches the rows whose column contains it, compared
character for character (case-sensitive). A leading ``^`` anchors it at the
start of the text and a trailing ``$`` at the end; no other character is
special. A list of values matches the texts equal to one of them. The
conditions use the databases' string search functions, never a regular
expression or a ``LIKE`` pattern, so a filter cannot backtrack: it costs at
most the length of the text times the length of the value.

MariaDB compares the bytes of the values, so that its case-insensitive
collations do not change the meaning.
"""

import sqlalchemy as sa
from sqlalchemy.ext import compiler
from sqlalchemy.sql import functions


class _Bytes(functions.FunctionElement):
    """The text itself; its bytes on MariaDB."""
    type = sa.String()
    name = 'text_bytes'
    inherit_cache = True


class _Find(functions.FunctionElement):
    """The 1-based position of the second text in the first, 0 if absent."""
    type = sa.Integer()
    name = 'text_find'
    inherit_cache = True


class _Tail(functions.FunctionElement):
    """The end of the first text as long as the second text."""
    type = sa.String()
    name = 'text_tail'
    inherit_cache = True


def _args(element, sql_compiler, **kw):
    return [sql_compiler.process(arg, **kw) for arg in element.clauses]


@compiler.compiles(_Bytes)
def _bytes(element, sql_compiler, **kw):
    return _args(element, sql_compiler, **kw)[0]


@compiler.compiles(_Find)
def _find(element, sql_compiler, **kw):
    return 'instr(%s, %s)' % tuple(_args(element, sql_compiler, **kw))


@compiler.compiles(_Find, 'postgresql')
def _find_postgresql(element, sql_compiler, **kw):
    return 'strpos(%s, %s)' % tuple(_args(element, sql_compiler, **kw))


@compiler.compiles(_Tail)
def _tail(element, sql_compiler, **kw):
    text, value = _args(element, sql_compiler, **kw)
    return 'substr(%s, -length(%s))' % (text, value)


@compiler.compiles(_Tail, 'postgresql')
def _tail_postgresql(element, sql_compiler, **kw):
    text, value = _args(element, sql_compiler, **kw)
    return 'right(%s, char_length(%s))' % (text, value)


@compiler.compiles(_Bytes, 'mysql')
@compiler.compiles(_Bytes, 'mariadb')
def _bytes_mysql(element, sql_compiler, **kw):
    return 'CAST(%s AS BINARY)' % _args(element, sql_compiler, **kw)[0]


@compiler.compiles(_Tail, 'mysql')
@compiler.compiles(_Tail, 'mariadb')
def _tail_mysql(element, sql_compiler, **kw):
    return 'RIGHT(%s, LENGTH(%s))' % tuple(_args(element, sql_compiler, **kw))


def _parse(value):
    """``(text, at_start, at_end)`` of a filter value."""
    at_start = value.startswith('^')
    if at_start:
        value = value[1:]
    at_end = value.endswith('$')
    if at_end:
        value = value[:-1]
    return value, at_start, at_end


def _text(value):
    return _Bytes(sa.bindparam(None, value, type_=sa.String()))


def one_of(column, values):
    """``column`` equals one of ``values`` (strings), exactly."""
    return _Bytes(column).in_([_text(value) for value in values])


def condition(column, value):
    """The WHERE condition of filter ``value`` (a string) on ``column``."""
    text, at_start, at_end = _parse(value)
    col = _Bytes(column)
    needle = _text(text)
    if not text and not (at_start and at_end):
        return column.is_not(None)
    if at_start and at_end:
        return col == needle
    if at_start:
        return _Find(col, needle) == 1
    if at_end:
        return _Tail(col, needle) == needle
    return _Find(col, needle) > 0
