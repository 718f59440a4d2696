"""Rewrites a sentencepiece model's TrainerSpec paths (input, model_prefix) to their base names, so that a committed
fixture does not carry the directory it was trained in. Protobuf wire format by hand (no protobuf package needed):
ModelProto field 2 is the TrainerSpec; TrainerSpec fields 1 (repeated input) and 2 (model_prefix) are strings.
Every other byte is kept as it was, so the pieces, normalizer and ids are unchanged.

Run: /usr/bin/python3 reference/py/spm_paths.py MODEL...   (also imported by make_tokenizer_cases.py)
"""
import os
import sys


def _varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def _put_varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _fields(buf):
    """(field number, wire type, raw bytes of the whole field, payload for length-delimited) in order."""
    i = 0
    while i < len(buf):
        start = i
        key, i = _varint(buf, i)
        num, wire = key >> 3, key & 7
        payload = None
        if wire == 0:
            _, i = _varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 2:
            n, i = _varint(buf, i)
            payload = buf[i:i + n]
            i += n
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield num, wire, buf[start:i], payload


def _string_field(num, data):
    return _put_varint(num << 3 | 2) + _put_varint(len(data)) + data


def strip_paths(path):
    with open(path, "rb") as f:
        buf = f.read()
    out = bytearray()
    for num, wire, raw, payload in _fields(buf):
        if num == 2 and wire == 2:
            spec = bytearray()
            for n2, w2, raw2, p2 in _fields(payload):
                if n2 in (1, 2) and w2 == 2:
                    spec += _string_field(n2, os.path.basename(p2.decode("utf-8")).encode("utf-8"))
                else:
                    spec += raw2
            out += _string_field(2, bytes(spec))
        else:
            out += raw
    with open(path + ".tmp", "wb") as f:
        f.write(out)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        strip_paths(p)
