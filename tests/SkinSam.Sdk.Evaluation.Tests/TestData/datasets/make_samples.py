#!/usr/bin/python3
"""Builds the small data-set samples in this folder from real HAM10000 images (see README.md).

Run from this folder with Debian's python3-pil, python3-openpyxl and python3-xlsxwriter:
    /usr/bin/python3 make_samples.py /path/to/ham10000-lowres
Every file is rewritten; the output is deterministic for a given source folder.
"""
import csv
import os
import shutil
import sys

from PIL import Image
import openpyxl
import xlsxwriter

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "../../../../../shared/datasets/ham10000-lowres"
HERE = os.path.dirname(os.path.abspath(__file__))

# HAM10000 image id -> dx, as in the source's metadata.csv.
DX = {}
with open(os.path.join(SOURCE, "metadata.csv"), newline="") as f:
    for row in csv.DictReader(f):
        DX[row["image_id"]] = row["dx"]

# PH2-shaped cases: (case id, HAM10000 image, clinical diagnosis 0/1/2, histology, asymmetry, network, dots, streaks,
# regression, veil, colours). Diagnoses follow the HAM10000 label (nv -> common or atypical nevus, mel -> melanoma);
# the dermoscopic criteria are made up for the table's shape, not assessed.
PH2_CASES = [
    ("IMD002", "ISIC_0024698", 1, "", "0", "T", "AT", "A", "A", "A", [3, 4]),
    ("IMD003", "ISIC_0024693", 0, "", "0", "T", "A", "A", "A", "A", [4]),
    ("IMD010", "ISIC_0025964", 2, "Melanoma", "2", "AT", "AT", "P", "P", "P", [1, 4, 5, 6]),
]
PH2_SIZE = (100, 75)  # half the source size keeps the 24-bit BMPs small

ISIC_2016 = ["ISIC_0024307", "ISIC_0028155", "ISIC_0030623"]
ISIC_2017 = ["ISIC_0027419", "ISIC_0031023", "ISIC_0024693"]
ISIC_2018 = ["ISIC_0024698", "ISIC_0025964", "ISIC_0027419", "ISIC_0028155",
             "ISIC_0029417", "ISIC_0028880", "ISIC_0031197", "ISIC_0032212"]
ISIC_ONE_FOLDER = ["ISIC_0025030", "ISIC_0029915", "ISIC_0031309"]


def fresh(folder):
    path = os.path.join(HERE, folder)
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def image(image_id):
    return os.path.join(SOURCE, "images", image_id + ".jpg")


def mask(image_id):
    return os.path.join(SOURCE, "masks", image_id + "_segmentation.png")


def copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


def write_ph2_bmp(image_id, image_path, mask_path):
    os.makedirs(os.path.dirname(image_path), exist_ok=True)
    os.makedirs(os.path.dirname(mask_path), exist_ok=True)
    Image.open(image(image_id)).convert("RGB").resize(PH2_SIZE, Image.BOX).save(image_path, "BMP")
    m = Image.open(mask(image_id)).convert("L").resize(PH2_SIZE, Image.BOX)
    m.point(lambda v: 255 if v >= 128 else 0).save(mask_path, "BMP")


def ph2_pipe_table():
    lines = ["||   Name || Histological Diagnosis || Clinical Diagnosis || Asymmetry | Pigment Network | "
             "Dots/Globules | Streaks | Regression Areas | Blue-Whitish Veil ||           Colors ||"]
    for case, _, dx, histo, asym, net, dots, streaks, regr, veil, colours in PH2_CASES:
        lines.append(f"|| {case} || {histo:>22} || {dx:>18} || {asym:>9} | {net:>15} | {dots:>13} | {streaks:>7} | "
                     f"{regr:>16} | {veil:>17} || {'  '.join(str(c) for c in colours):>16} ||")
    lines += ["", "|| Legends ||",
              "|| Clinical Diagnosis: 0 - Common Nevus; 1 - Atypical Nevus; 2 - Melanoma ||",
              "|| Asymmetry: 0 - Fully Symmetric; 1 - Symmetric in 1 axe; 2 - Fully Asymmetric ||",
              "|| Colors: 1 - White; 2 - Red; 3 - Light-Brown; 4 - Dark-Brown; 5 - Blue-Gray; 6 - Black ||"]
    return "\r\n".join(lines) + "\r\n"


def ph2_rows():
    """The rows of the spreadsheet form: a one-hot 'X' per clinical diagnosis, one column per colour."""
    header = ["Image Name", "Histological Diagnosis", "Common Nevus", "Atypical Nevus", "Melanoma",
              "Asymmetry\n(0/1/2)", "Pigment Network\n(AT/T)", "Dots/Globules\n(A/AT/T)", "Streaks\n(A/P)",
              "Regression Areas\n(A/P)", "Blue-Whitish Veil\n(A/P)",
              "White", "Red", "Light-Brown", "Dark-Brown", "Blue-Gray", "Black"]
    rows = []
    for case, _, dx, histo, asym, net, dots, streaks, regr, veil, colours in PH2_CASES:
        row = [case, histo or None, None, None, None, int(asym), net, dots, streaks, regr, veil]
        row[2 + dx] = "X"
        row += ["X" if c in colours else None for c in range(1, 7)]
        rows.append(row)
    return header, rows


def write_ph2_xlsx(path):
    header, rows = ph2_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "PH2 Dataset"
    sheet["A1"] = "PH2 Database"
    sheet["A3"] = "Sample arranged in the PH2 layout from HAM10000 images (see README.md)"
    sheet["C12"] = "Clinical Diagnosis"
    sheet.merge_cells("C12:E12")
    sheet["L12"] = "Colors"
    sheet.merge_cells("L12:Q12")
    for c, value in enumerate(header, start=1):
        sheet.cell(row=13, column=c, value=value)
    for r, row in enumerate(rows, start=14):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    book.save(path)


def write_ph2_xlsx_shared_strings(path):
    """The sheet as Excel itself stores text: a shared-string table (openpyxl writes inline strings instead)."""
    header, rows = ph2_rows()
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("PH2 Dataset")
    sheet.write(0, 0, "PH2 Database")
    sheet.merge_range(11, 2, 11, 4, "Clinical Diagnosis")
    sheet.merge_range(11, 11, 11, 16, "Colors")
    sheet.write_row(12, 0, header)
    for r, row in enumerate(rows, start=13):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()


def write_ph2_delimited(path, delimiter, preamble):
    header, rows = ph2_rows()
    with open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        if preamble:  # as a spreadsheet program exports the .xlsx: title rows, then the grouped header row
            w.writerow(["PH2 Database"] + [""] * 16)
            w.writerow([""] * 17)
            w.writerow(["", "", "Clinical Diagnosis", "", "", "", "", "", "", "", "", "Colors", "", "", "", "", ""])
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])


def write_ph2_coded(path, delimiter):
    """The || table's columns with another delimiter: the clinical diagnosis as its code 0/1/2."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(["Name", "Histological Diagnosis", "Clinical Diagnosis", "Asymmetry", "Pigment Network",
                    "Dots/Globules", "Streaks", "Regression Areas", "Blue-Whitish Veil", "Colors"])
        for case, _, dx, histo, asym, net, dots, streaks, regr, veil, colours in PH2_CASES:
            w.writerow([case, histo, dx, asym, net, dots, streaks, regr, veil, " ".join(str(c) for c in colours)])


def main():
    # PH2 release layout: PH2Dataset/PH2 Dataset images/IMDnnn/..., PH2_dataset.txt with its || table.
    root = os.path.join(fresh("ph2-release"), "PH2Dataset")
    for case, ham, *_ in PH2_CASES:
        folder = os.path.join(root, "PH2 Dataset images", case)
        write_ph2_bmp(ham, os.path.join(folder, case + "_Dermoscopic_Image", case + ".bmp"),
                      os.path.join(folder, case + "_lesion", case + "_lesion.bmp"))
    with open(os.path.join(root, "PH2_dataset.txt"), "w", newline="") as f:
        f.write(ph2_pipe_table())

    # PH2 as a flat folder, with the spreadsheet.
    flat = fresh("ph2-flat")
    for case, ham, *_ in PH2_CASES:
        write_ph2_bmp(ham, os.path.join(flat, case + ".bmp"), os.path.join(flat, case + "_lesion.bmp"))
    write_ph2_xlsx(os.path.join(flat, "PH2_dataset.xlsx"))

    # The table forms in circulation, without images.
    tables = fresh("ph2-tables")
    with open(os.path.join(tables, "pipe.txt"), "w", newline="") as f:
        f.write(ph2_pipe_table())
    write_ph2_coded(os.path.join(tables, "tab.txt"), "\t")
    write_ph2_delimited(os.path.join(tables, "comma.txt"), ",", preamble=False)
    write_ph2_delimited(os.path.join(tables, "exported.csv"), ",", preamble=True)
    write_ph2_xlsx(os.path.join(tables, "spreadsheet.xlsx"))
    write_ph2_xlsx_shared_strings(os.path.join(tables, "spreadsheet-shared-strings.xlsx"))

    # ISIC 2016 Part 1 (masks *_Segmentation.png) with the Part 3 ground truth (no header; benign/malignant).
    root = fresh("isic2016")
    with open(os.path.join(root, "ISBI2016_ISIC_Part3_Training_GroundTruth.csv"), "w", newline="") as f:
        for i in ISIC_2016:
            copy(image(i), os.path.join(root, "ISBI2016_ISIC_Part1_Training_Data", i + ".jpg"))
            copy(mask(i), os.path.join(root, "ISBI2016_ISIC_Part1_Training_GroundTruth", i + "_Segmentation.png"))
            f.write(f"{i},{'malignant' if DX[i] == 'mel' else 'benign'}\n")

    # ISIC 2017 Part 1 with superpixel files beside the images, the clinical metadata and the Part 3 ground truth.
    root = fresh("isic2017")
    data = os.path.join(root, "ISIC-2017_Training_Data")
    with open(os.path.join(root, "ISIC-2017_Training_Part3_GroundTruth.csv"), "w", newline="") as f, \
            open(os.path.join(data + "_metadata.csv"), "w", newline="") as meta:
        f.write("image_id,melanoma,seborrheic_keratosis\n")
        meta.write("image_id,age_approximate,sex\n")
        for i in ISIC_2017:
            copy(image(i), os.path.join(data, i + ".jpg"))
            Image.new("RGB", (4, 3), (120, 80, 60)).save(os.path.join(data, i + "_superpixels.png"))
            copy(mask(i), os.path.join(root, "ISIC-2017_Training_Part1_GroundTruth", i + "_segmentation.png"))
            f.write(f"{i},{1.0 if DX[i] == 'mel' else 0.0},{1.0 if DX[i] == 'bkl' else 0.0}\n")
            meta.write(f"{i},unknown,unknown\n")
    shutil.move(data + "_metadata.csv", os.path.join(root, "ISIC-2017_Training_Data_metadata.csv"))

    # ISIC 2018 Task 1 with the Task 3 ground truth (one-hot MEL, NV, BCC, AKIEC, BKL, DF, VASC).
    root = fresh("isic2018")
    columns = ["MEL", "NV", "BCC", "AKIEC", "BKL", "DF", "VASC"]
    with open(os.path.join(root, "ISIC2018_Task3_Training_GroundTruth.csv"), "w", newline="") as f:
        f.write("image," + ",".join(columns) + "\n")
        for i in ISIC_2018:
            copy(image(i), os.path.join(root, "ISIC2018_Task1-2_Training_Input", i + ".jpg"))
            copy(mask(i), os.path.join(root, "ISIC2018_Task1_Training_GroundTruth", i + "_segmentation.png"))
            f.write(i + "," + ",".join("1.0" if c.lower() == DX[i] else "0.0" for c in columns) + "\n")

    # ISIC images and masks in one folder, no CSV.
    root = fresh("isic-one-folder")
    for i in ISIC_ONE_FOLDER:
        copy(image(i), os.path.join(root, i + ".jpg"))
        copy(mask(i), os.path.join(root, i + "_segmentation.png"))


main()
