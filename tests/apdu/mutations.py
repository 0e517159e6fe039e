"""Seeded mutations of card files: what a programmable card could return instead.

Blind mutations (bit flips, truncations, insertions) test the outer layers; the
structural ones work on a lenient TLV tree and re-encode it with consistent lengths,
so they reach the inner checks: a swapped tag, a value of the wrong type, an emptied
or repeated or missing element, a length that lies, nesting a thousand deep.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

# tags a mutation swaps in: DER universal types, context tags, and the profile's own
SWAP_TAGS = (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x17, 0x30, 0x31, 0x80, 0xA0,
             0xA1, 0xA3, 0x61, 0x6F, 0x77, 0x5F02, 0x5F05, 0x5F2E, 0x7F49)
WRONG_VALUES = (b"\x02\x01\x00", b"\x05\x00", b"\x30\x00", b"\x31\x00", b"\x04\x00",
                b"\x06\x03\x2a\x03\x04", b"\x0c\x01A", b"\x01\x01\xff", b"\x03\x01\x00",
                b"\x02\x09\x00\xff\xff\xff\xff\xff\xff\xff\xff")


@dataclass
class Node:
    tag: bytes
    value: bytes = b""
    children: list[Node] | None = None  # None: primitive (or opaque)
    encapsulates: bool = False  # a primitive (OCTET STRING) whose value is DER

    def body(self) -> bytes:
        if self.children is None:
            return self.value
        return b"".join(child.encode() for child in self.children)

    def encode(self) -> bytes:
        body = self.body()
        return self.tag + _length(len(body)) + body

    def walk(self) -> list[Node]:
        found = [self]
        for child in self.children or []:
            found += child.walk()
        return found


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _parse_one(data: bytes, offset: int) -> tuple[Node, int]:
    start = offset
    first = data[offset]
    offset += 1
    if first & 0x1F == 0x1F:
        while data[offset] & 0x80:
            offset += 1
        offset += 1
    tag = data[start:offset]
    length = data[offset]
    offset += 1
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4:
            raise ValueError("length")
        length = int.from_bytes(data[offset:offset + count], "big")
        offset += count
    end = offset + length
    if end > len(data):
        raise ValueError("short")
    value = data[offset:end]
    node = Node(tag, value)
    if first & 0x20:
        node.children = _parse_all(value)
    elif first == 0x04 and value[:1] == b"\x30":
        try:
            node.children, node.encapsulates = _parse_all(value), True
        except (ValueError, IndexError):
            node.children = None
    return node, end


def _parse_all(data: bytes) -> list[Node]:
    nodes, offset = [], 0
    while offset < len(data):
        node, offset = _parse_one(data, offset)
        nodes.append(node)
    return nodes


def parse_tree(data: bytes) -> Node:
    node, end = _parse_one(data, 0)
    if end != len(data):
        raise ValueError("trailing")
    return node


def _tag_bytes(tag: int) -> bytes:
    return tag.to_bytes((tag.bit_length() + 7) // 8, "big")


@dataclass
class Mutator:
    """One seeded source of mutations; ``describe`` says what the last one did."""

    rng: random.Random
    last: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    def mutate(self, data: bytes) -> bytes:
        kinds: list[Callable[[bytes], bytes]] = [
            self.flip_bits, self.set_byte, self.truncate, self.extend, self.insert,
            self.delete, self.lie_about_length, self.swap_tag, self.wrong_type,
            self.empty_node, self.drop_node, self.repeat_node, self.swap_siblings,
            self.nest_deep,
        ]
        weights = [4, 2, 2, 1, 1, 1, 2, 3, 3, 2, 2, 2, 1, 1]
        mutation = self.rng.choices(kinds, weights)[0]
        self.last = mutation.__name__
        self.counts[self.last] = self.counts.get(self.last, 0) + 1
        return mutation(data)

    # -- blind ----------------------------------------------------------------
    def flip_bits(self, data: bytes) -> bytes:
        out = bytearray(data)
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            if out:
                out[self.rng.randrange(len(out))] ^= 1 << self.rng.randrange(8)
        return bytes(out)

    def set_byte(self, data: bytes) -> bytes:
        if not data:
            return b"\x00"
        out = bytearray(data)
        out[self.rng.randrange(len(out))] = self.rng.choice((0x00, 0xFF, 0x80, 0x7F,
                                                             self.rng.randrange(256)))
        return bytes(out)

    def truncate(self, data: bytes) -> bytes:
        return data[:self.rng.randrange(len(data))] if data else data

    def extend(self, data: bytes) -> bytes:
        return data + self.rng.randbytes(self.rng.choice((1, 2, 16, 300)))

    def insert(self, data: bytes) -> bytes:
        at = self.rng.randrange(len(data) + 1)
        return data[:at] + self.rng.randbytes(self.rng.choice((1, 2, 4))) + data[at:]

    def delete(self, data: bytes) -> bytes:
        if not data:
            return data
        at = self.rng.randrange(len(data))
        return data[:at] + data[at + self.rng.choice((1, 2, 8)):]

    # -- structural -----------------------------------------------------------
    def _tree(self, data: bytes) -> tuple[Node, list[Node]] | None:
        try:
            root = parse_tree(data)
        except (ValueError, IndexError):
            return None
        return root, root.walk()

    def lie_about_length(self, data: bytes) -> bytes:
        """Re-encode one node with a length that is wrong, non-minimal, indefinite or huge."""
        tree = self._tree(data)
        if tree is None:
            return self.flip_bits(data)
        root, nodes = tree
        target = self.rng.choice(nodes)
        body = target.body()
        body_length = len(body)
        fake = self.rng.choice((
            _length(max(0, body_length - 1)), _length(body_length + 1), b"\x00",
            b"\x80", b"\x81" + bytes([body_length & 0xFF]), b"\x84\xff\xff\xff\xff",
            b"\x82" + body_length.to_bytes(2, "big"), b"\x85\x01\x00\x00\x00\x00",
        ))
        return replace_node(root, target, target.tag + fake + body)

    def swap_tag(self, data: bytes) -> bytes:
        tree = self._tree(data)
        if tree is None:
            return self.set_byte(data)
        root, nodes = tree
        target = self.rng.choice(nodes)
        target.tag = _tag_bytes(self.rng.choice(SWAP_TAGS))
        if target.tag[0] & 0x20 == 0 and target.children is not None and not target.encapsulates:
            target.value, target.children = b"".join(c.encode() for c in target.children), None
        return root.encode()

    def wrong_type(self, data: bytes) -> bytes:
        tree = self._tree(data)
        if tree is None:
            return self.truncate(data)
        root, nodes = tree
        target = self.rng.choice(nodes[1:] or nodes)
        return replace_node(root, target, self.rng.choice(WRONG_VALUES))

    def empty_node(self, data: bytes) -> bytes:
        tree = self._tree(data)
        if tree is None:
            return self.truncate(data)
        root, nodes = tree
        target = self.rng.choice(nodes)
        target.value, target.children, target.encapsulates = b"", (
            [] if target.children is not None and not target.encapsulates else None), False
        return root.encode()

    def _parent_of(self, nodes: list[Node]) -> tuple[Node, int] | None:
        parents = [n for n in nodes if n.children]
        if not parents:
            return None
        parent = self.rng.choice(parents)
        assert parent.children is not None
        return parent, self.rng.randrange(len(parent.children))

    def drop_node(self, data: bytes) -> bytes:
        tree = self._tree(data)
        picked = tree and self._parent_of(tree[1])
        if not tree or not picked:
            return self.delete(data)
        parent, index = picked
        assert parent.children is not None
        del parent.children[index]
        return tree[0].encode()

    def repeat_node(self, data: bytes) -> bytes:
        tree = self._tree(data)
        picked = tree and self._parent_of(tree[1])
        if not tree or not picked:
            return self.extend(data)
        parent, index = picked
        assert parent.children is not None
        parent.children.insert(index, parent.children[index])
        return tree[0].encode()

    def swap_siblings(self, data: bytes) -> bytes:
        tree = self._tree(data)
        picked = tree and self._parent_of(tree[1])
        if not tree or not picked:
            return self.flip_bits(data)
        parent, index = picked
        assert parent.children is not None
        other = self.rng.randrange(len(parent.children))
        parent.children[index], parent.children[other] = (parent.children[other],
                                                          parent.children[index])
        return tree[0].encode()

    def nest_deep(self, data: bytes) -> bytes:
        """Wrap one node in many SEQUENCEs (definite lengths) or open indefinite ones."""
        tree = self._tree(data)
        if tree is None:
            return b"\x30\x80" * 2000 + data
        root, nodes = tree
        target = self.rng.choice(nodes)
        encoded = target.encode()
        if self.rng.random() < 0.5:
            for _ in range(self.rng.choice((40, 1000))):
                encoded = b"\x30" + _length(len(encoded)) + encoded
        else:
            encoded = b"\x30\x80" * 1000 + encoded + b"\x00\x00" * 1000
        return replace_node(root, target, encoded)


def replace_node(root: Node, target: Node, replacement: bytes) -> bytes:
    """The tree re-encoded with ``target`` replaced by raw bytes (ancestors' lengths fixed)."""

    def encode(node: Node) -> bytes:
        if node is target:
            return replacement
        if node.children is None:
            return node.tag + _length(len(node.value)) + node.value
        body = b"".join(encode(child) for child in node.children)
        return node.tag + _length(len(body)) + body

    return encode(root)
