"""ion.py checked by a reader and a writer nobody here wrote: Amazon's own Ion library (amazon.ion).

What the export writes must be Ion that Amazon's reader takes, with DynamoDB's types as AWS's
export output format maps them (numbers as decimals, sets as annotated lists, binary as blobs);
and Ion text that Amazon's writer makes must be read by ImportTable's ION reader.
"""

from __future__ import annotations

from decimal import Decimal

import amazon.ion.simpleion as simpleion
from amazon.ion.core import IonType
from amazon.ion.simple_types import IonPyDict, IonPyList

from importmock.services.dynamodb.ion import dump_item, iter_items

ITEM = {
    "pk": {"S": "order#1"},
    "count": {"N": "103"},
    "price": {"N": "-6.25"},
    "tiny": {"N": "1E-130"},
    "flag": {"BOOL": False},
    "gone": {"NULL": True},
    "raw": {"B": b"\x00\xffbytes"},
    "names": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "blobs": {"BS": [b"x", b"y"]},
    "nested": {"M": {"list": {"L": [{"N": "1"}, {"S": "two"}, {"M": {}}]}}},
}


def test_dump_item_is_read_by_amazons_ion_reader_with_dynamodbs_types() -> None:
    document = simpleion.loads(dump_item(ITEM))
    item = document["Item"]
    assert isinstance(document, IonPyDict) and set(item) == set(ITEM)
    assert item["pk"] == "order#1"
    assert (item["count"], item["price"], item["tiny"]) == (Decimal(103), Decimal("-6.25"), Decimal("1E-130"))
    assert all(item[n].ion_type is IonType.DECIMAL for n in ("count", "price", "tiny"))
    assert not item["flag"] and item["flag"].ion_type is IonType.BOOL
    assert item["gone"].ion_type is IonType.NULL
    assert item["raw"] == b"\x00\xffbytes" and item["raw"].ion_type is IonType.BLOB
    for name, annotation, values in (
        ("names", "$dynamodb_SS", ["a", "b"]),
        ("numbers", "$dynamodb_NS", [Decimal(1), Decimal("2.5")]),
        ("blobs", "$dynamodb_BS", [b"x", b"y"]),
    ):
        assert isinstance(item[name], IonPyList) and list(item[name]) == values
        assert [a.text for a in item[name].ion_annotations] == [annotation]
    assert list(item["nested"]["list"])[:2] == [Decimal(1), "two"]


def test_iter_items_reads_what_amazons_ion_writer_writes() -> None:
    text = simpleion.dumps({"Item": {"pk": "k", "n": Decimal("1.5"), "l": [Decimal(2), "s"]}}, binary=False)
    assert list(iter_items(text)) == [
        {"pk": {"S": "k"}, "n": {"N": "1.5"}, "l": {"L": [{"N": "2"}, {"S": "s"}]}}
    ]
