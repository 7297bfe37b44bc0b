#!/usr/bin/env python3
"""Writes the seed corpus for fuzz/SkinSam.Fuzz: tiny JPEG, PNG, BMP and GIF files (each < 2 KB) covering the decoder
paths ImageFile.Decode takes (baseline and progressive JPEG, grayscale; PNG RGB, RGBA, palette, 16-bit gray, interlaced;
BMP 24-bit and 8-bit palette; GIF single and two-frame). Run: /usr/bin/python3 fuzz/make_corpus.py"""
import io
import pathlib

from PIL import Image

OUT = pathlib.Path(__file__).resolve().parent / "corpus"


def gradient(w, h, mode="RGB"):
    img = Image.new("RGB", (w, h))
    img.putdata([((x * 255) // max(w - 1, 1), (y * 255) // max(h - 1, 1), ((x + y) * 40) % 256) for y in range(h) for x in range(w)])
    return img.convert(mode) if mode != "RGB" else img


def save(name, img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    data = buf.getvalue()
    assert len(data) < 2048, (name, len(data))
    (OUT / name).write_bytes(data)


def main():
    OUT.mkdir(exist_ok=True)
    save("baseline.jpg", gradient(16, 12), "JPEG", quality=80)
    save("progressive.jpg", gradient(16, 12), "JPEG", quality=60, progressive=True)
    save("gray.jpg", gradient(8, 8, "L"), "JPEG", quality=70)
    save("one-pixel.png", gradient(1, 1), "PNG")
    save("rgb.png", gradient(12, 9), "PNG")
    save("rgba.png", gradient(8, 6, "RGBA"), "PNG")
    save("palette.png", gradient(12, 9).convert("P", palette=Image.ADAPTIVE, colors=8), "PNG")
    save("gray16.png", gradient(6, 5, "L").convert("I;16"), "PNG")
    save("interlaced.png", gradient(10, 7), "PNG", interlace=1)
    save("rgb24.bmp", gradient(10, 7), "BMP")
    save("palette8.bmp", gradient(10, 7).convert("P", palette=Image.ADAPTIVE, colors=16), "BMP")
    save("single.gif", gradient(12, 9).convert("P", palette=Image.ADAPTIVE, colors=8), "GIF")
    frames = [gradient(8, 6).convert("P", palette=Image.ADAPTIVE, colors=4), gradient(8, 6).rotate(180).convert("P", palette=Image.ADAPTIVE, colors=4)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    assert len(buf.getvalue()) < 2048
    (OUT / "two-frames.gif").write_bytes(buf.getvalue())
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
