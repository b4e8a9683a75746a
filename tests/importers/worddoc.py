"""A minimal Word 97-2003 (.doc) file written in code: an OLE compound file holding a
WordDocument stream (FIB and 8-bit text) and a 1Table stream (one-piece piece table)."""
import struct

SECTOR = 512
END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def word_stream_and_table(text: str) -> tuple[bytes, bytes]:
    body = text.replace("\n", "\r").encode("cp1252")
    if not body.endswith(b"\r"):
        body += b"\r"
    fc_min = 0x400
    fib = bytearray(fc_min)
    struct.pack_into("<HHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0409, 0)
    struct.pack_into("<H", fib, 0x0A, 0x0200)          # fWhichTblStm: 1Table
    struct.pack_into("<H", fib, 0x0C, 0x00BF)          # nFibBack
    struct.pack_into("<II", fib, 0x18, fc_min, fc_min + len(body))  # fcMin, fcMac
    struct.pack_into("<H", fib, 0x20, 14)              # csw
    struct.pack_into("<H", fib, 0x3E, 22)              # cslw
    struct.pack_into("<I", fib, 0x40, fc_min + len(body))  # cbMac
    struct.pack_into("<I", fib, 0x4C, len(body))       # ccpText
    struct.pack_into("<H", fib, 0x98, 93)              # cbRgFcLcb
    # The piece table: one piece, 8-bit text at fc_min (bit 30 set, offset doubled).
    plc = struct.pack("<II", 0, len(body)) + struct.pack("<HIH", 0, (fc_min * 2) | 0x40000000, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    # A font table of one font (antiword maps characters through it).
    name = "Times New Roman\0".encode("utf-16-le")
    ffn = bytes([39 + len(name) - 1, 0x16]) + struct.pack("<H", 400) + bytes([0, 0]) \
        + bytes(10) + bytes(24) + name
    fonts = struct.pack("<HH", 1, 0) + ffn
    # A stylesheet of no styles: antiword reads one even when its length is 0, past the
    # end of an empty allocation (it then crashed now and then).
    styles = struct.pack("<H", 18) + struct.pack("<9H", 0, 10, 0, 0, 0, 0, 0, 0, 0)
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))   # fcClx, lcbClx
    struct.pack_into("<II", fib, 0x112, len(clx), len(fonts))   # fcSttbfffn, lcbSttbfffn
    struct.pack_into("<II", fib, 0xA2, len(clx) + len(fonts), len(styles))  # fcStshf, lcbStshf
    word = bytes(fib) + body
    return word, clx + fonts + styles


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (version 3) of streams each padded past the mini-stream cutoff."""
    names = list(streams)
    data = {n: streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names}
    sectors: list[bytes] = []
    starts = {}
    chains = []
    for n in names:
        blob = data[n] + b"\0" * (-len(data[n]) % SECTOR)
        starts[n] = len(sectors)
        count = len(blob) // SECTOR
        chains.append((len(sectors), count))
        sectors += [blob[i:i + SECTOR] for i in range(0, len(blob), SECTOR)]
    dir_sector = len(sectors)
    entries = [("Root Entry", 5, END, 0, 1)] + [(n, 2, starts[n], len(data[n]), 0)
                                                for n in names]
    directory = bytearray()
    # The root's child is the first stream, the others its right siblings.
    for index, (name, kind, start, size, _c) in enumerate(entries):
        raw = name.encode("utf-16-le") + b"\0\0"
        entry = bytearray(128)
        entry[:len(raw)] = raw
        struct.pack_into("<HBB", entry, 64, len(raw), kind, 1)
        left, right, child = FREE, FREE, FREE
        if index == 0:
            child = 1
        elif index + 1 < len(entries):
            right = index + 1
        struct.pack_into("<III", entry, 68, left, right, child)
        struct.pack_into("<II", entry, 116, start, size)
        directory += entry
    directory += b"\0" * (-len(directory) % SECTOR)
    for i in range(0, len(directory), SECTOR):
        chains.append((len(sectors), 1))
        sectors.append(bytes(directory[i:i + SECTOR]))
    fat_sector = len(sectors)
    fat = [FREE] * (SECTOR // 4)
    for first, count in chains:
        for k in range(count):
            fat[first + k] = first + k + 1 if k + 1 < count else END
    fat[fat_sector] = FATSECT
    sectors.append(struct.pack("<128I", *fat))
    header = bytearray(SECTOR)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, dir_sector, 0, 4096, END, 0, END, 0)
    difat = [FREE] * 109
    difat[0] = fat_sector
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + b"".join(sectors)


def word97(text: str) -> bytes:
    """A .doc whose paragraphs are the lines of `text` (cp1252)."""
    word, table = word_stream_and_table(text)
    return compound_file({"WordDocument": word, "1Table": table})


