"""The Amazon Ion text codec of DynamoDB items: ION exports write it, ImportTable reads it."""

from __future__ import annotations

import base64

import pytest

from importmock.services.dynamodb.ion import IonError, dump_item, dump_record, iter_items, iter_records

# the item of AWS's "DynamoDB table export output format" page, and the Ion it shows for it
BOOK = {
    "Authors": {"SS": ["Author1", "Author2"]},
    "Dimensions": {"S": "8.5 x 11.0 x 1.5"},
    "ISBN": {"S": "333-3333333333"},
    "Id": {"N": "103"},
    "InPublication": {"BOOL": False},
    "PageCount": {"N": "600"},
    "Price": {"N": "2000"},
    "ProductCategory": {"S": "Book"},
    "Title": {"S": "Book 103 Title"},
}
BOOK_ION = """$ion_1_0 {
    Item:{
        Authors:$dynamodb_SS::["Author1","Author2"],
        Dimensions:"8.5 x 11.0 x 1.5",
        ISBN:"333-3333333333",
        Id:103.,
        InPublication:false,
        PageCount:6d2,
        Price:2d3,
        ProductCategory:"Book",
        Title:"Book 103 Title"
    }
}"""
EVERY_TYPE = {
    "s": {"S": 'quote " backslash \\ tab \t newline \n nul \x00 é ✓ 😀'},
    "n": {"N": "-12.5"},
    "b": {"B": bytes(range(256))},
    "yes": {"BOOL": True},
    "none": {"NULL": True},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "0.25", "-300"]},
    "bs": {"BS": [b"\x00", b"\xff\xfe"]},
    "l": {"L": [{"S": "x"}, {"L": []}, {"M": {}}, {"NULL": True}]},
    "m": {"M": {"inner": {"M": {"deep": {"N": "7"}}}}},
    "two words": {"S": "quoted field name"},
    "null": {"S": "a keyword as field name"},
    "$10": {"S": "a symbol id as field name"},
    "it's": {"S": "a quote in a field name"},
}


def json_form(item: dict) -> dict:
    """`item` as DynamoDB JSON holds it: binary as base64 text."""

    def value(attribute: dict) -> dict:
        ((kind, inner),) = attribute.items()
        if kind == "B":
            return {kind: base64.b64encode(inner).decode()}
        if kind == "BS":
            return {kind: [base64.b64encode(data).decode() for data in inner]}
        if kind == "L":
            return {kind: [value(element) for element in inner]}
        if kind == "M":
            return {kind: {name: value(element) for name, element in inner.items()}}
        return attribute

    return {name: value(attribute) for name, attribute in item.items()}


# dump_item


def test_dump_item_writes_the_form_of_awss_output_format_page() -> None:
    expected = (
        '$ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Dimensions:"8.5 x 11.0 x 1.5",'
        'ISBN:"333-3333333333",Id:103.,InPublication:false,PageCount:6d2,Price:2d3,'
        'ProductCategory:"Book",Title:"Book 103 Title"}}'
    )

    assert dump_item(BOOK) == expected


@pytest.mark.parametrize(
    ("number", "ion"),
    [
        ("0", "0."),
        ("-0", "0."),
        ("7", "7."),
        ("600", "6d2"),
        ("1.5", "1.5"),
        ("-0.001", "-0.001"),
        ("1E+3", "1d3"),
        ("1.50", "1.5"),
        ("1E-130", "1d-130"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678."),
    ],
)
def test_dump_item_writes_numbers_as_decimals(number: str, ion: str) -> None:
    assert dump_item({"n": {"N": number}}) == f"$ion_1_0 {{Item:{{n:{ion}}}}}"


def test_dump_item_takes_binary_as_bytes_or_base64() -> None:
    as_bytes = dump_item({"b": {"B": b"hello"}, "bs": {"BS": [b"hi"]}})
    as_text = dump_item({"b": {"B": "aGVsbG8="}, "bs": {"BS": ["aGk="]}})

    assert as_bytes == as_text == "$ion_1_0 {Item:{b:{{aGVsbG8=}},bs:$dynamodb_BS::[{{aGk=}}]}}"


@pytest.mark.parametrize(
    "attribute",
    [{"X": "1"}, {"N": "one"}, {"N": "NaN"}, {"N": "Infinity"}, {"B": "not base64!"}, {"S": "a", "N": "1"}],
)
def test_dump_item_refuses_what_is_no_dynamodb_value(attribute: dict) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case words its own message
        dump_item({"a": attribute})


def test_dump_record_writes_each_member_as_a_struct() -> None:
    record = {"Metadata": {"WriteTimestampMicros": {"N": "1680109764000000"}}, "Keys": {"pk": {"S": "a"}}}

    line = dump_record(record)

    assert line == '$ion_1_0 {Metadata:{WriteTimestampMicros:1680109764d6},Keys:{pk:"a"}}'
    assert list(iter_records(line)) == [{name: {"M": value} for name, value in record.items()}]


# iter_items


def test_iter_items_reads_awss_documented_example() -> None:
    assert list(iter_items(BOOK_ION)) == [BOOK]


def test_iter_items_reads_what_dump_item_writes() -> None:
    lines = "\n".join(dump_item(item) for item in (EVERY_TYPE, BOOK)) + "\n"

    assert list(iter_items(lines)) == [json_form(EVERY_TYPE), BOOK]


@pytest.mark.parametrize(
    ("ion", "number"),
    [
        ("12", "12"),
        ("-12", "-12"),
        ("1_000_000", "1000000"),
        ("0x1F", "31"),
        ("0b101", "5"),
        ("103.", "103"),
        ("6d2", "600"),
        ("6D-2", "0.06"),
        ("1.50", "1.5"),
        ("-0.0", "0"),
        ("1.5e0", "1.5"),
        ("2E3", "2000"),
        ("1d-130", "1E-130"),
    ],
)
def test_iter_items_reads_ints_decimals_and_floats_as_numbers(ion: str, number: str) -> None:
    assert list(iter_items(f"{{Item:{{n:{ion}}}}}")) == [{"n": {"N": number}}]


def test_iter_items_reads_ion_text_forms() -> None:
    text = r"""
    // a comment
    $ion_1_0 $ion_symbol_table::{symbols:["unused"]}
    { /* another */ Item : {
        'quoted name': "esc\x41\u00e9\U0001F600\"\\\
continued",
        "string name": '''long ''' /* between */ '''string''',
        typed: null.string, plain: null, bin: {{ aGVs
        bG8= }},
        'it\'s': [true, false,],
      }, } {Item:{second:"on the same line"}}
    """

    assert list(iter_items(text)) == [
        {
            "quoted name": {"S": 'escAé😀"\\continued'},
            "string name": {"S": "long string"},
            "typed": {"NULL": True},
            "plain": {"NULL": True},
            "bin": {"B": "aGVsbG8="},
            "it's": {"L": [{"BOOL": True}, {"BOOL": False}]},
        },
        {"second": {"S": "on the same line"}},
    ]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("{Item:{a:abc}}", "a symbol (abc) is no DynamoDB type"),
        ("{Item:{a:'sym'}}", "a symbol is no DynamoDB type"),
        ("{Item:{a:2007-02-23T12:14Z}}", "a timestamp is no DynamoDB type"),
        ("{Item:{a:(1 2)}}", "an s-expression is no DynamoDB type"),
        ('{Item:{a:{{"clob"}}}}', "a clob is no DynamoDB type"),
        ("{Item:{a:nan}}", "nan and infinities are no DynamoDB numbers"),
        ("{Item:{a:-inf}}", "nan and infinities are no DynamoDB numbers"),
        ("{Item:{a:$10}}", "symbol ids need a symbol table"),
        ('{Item:{a:"open}}', "an unterminated string"),
        ("{Item:{a:{{ not base64 }}}}", "a blob that is not base64"),
        ("{Item:{a:1 b:2}}", "expected ',' or '}'"),
        ("{Item:{a 1}}", "expected ':' after a field name"),
        ('{Item:{a:$dynamodb_SS::["x", 1]}}', "a SS set holds a value of another type"),
        ("[1, 2]", "a top-level value is not a struct"),
        ("{Other:{}}", "a top-level value has no Item struct"),
    ],
)
def test_iter_items_refuses_what_is_no_dynamodb_item(text: str, complaint: str) -> None:
    with pytest.raises(IonError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        list(iter_items(text))


def test_iter_items_yields_the_items_before_an_error_with_its_line() -> None:
    items = iter_items('{Item:{a:"1"}}\n{Item:{b:\n  oops}}')

    assert next(items) == {"a": {"S": "1"}}
    with pytest.raises(IonError, match=r"\(line 3, column 3\)"):
        next(items)
    assert issubclass(IonError, ValueError)
