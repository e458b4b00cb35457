"""Hypothesis strategies the unit tests share."""

from hypothesis import strategies as st

OCTETS = st.lists(st.integers(0, 255), min_size=6, max_size=6)


@st.composite
def mac_notations(draw, octets=OCTETS):
    """A MAC in any notation Neutron's clients send, and its canonical form.

    Colons, dashes, dots (Cisco) or none, each digit in either case.
    """
    digits = ''.join(f'{o:02x}' for o in draw(octets))
    canonical = ':'.join(digits[i:i + 2] for i in range(0, 12, 2))
    notation = draw(st.sampled_from(['colon', 'dash', 'dot', 'bare']))
    if notation == 'colon':
        text = canonical
    elif notation == 'dash':
        text = canonical.replace(':', '-')
    elif notation == 'dot':
        text = '.'.join(digits[i:i + 4] for i in range(0, 12, 4))
    else:
        text = digits
    upper = draw(st.lists(st.booleans(), min_size=len(text),
                          max_size=len(text)))
    text = ''.join(c.upper() if u else c for c, u in zip(text, upper))
    return text, canonical
