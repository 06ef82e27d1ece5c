#!/usr/bin/env python3
"""Generates a synthetic plazo store: FILES store files holding COMMITMENTS
commitment parts in all, shaped like the sample report (texts of a few hundred
characters, a mix of statuses, dues from 2024 to 2028, some parts split).

usage: gen_store.py OUT_DIR [--files 500] [--commitments 100000] [--seed 1]
Deterministic for a given seed. Writes OUT_DIR/plazod.toml (settings, no
webhooks) and OUT_DIR/store/*.toml.
"""
import argparse
import calendar
import os
import random

WORDS = ("informe modelo programa rediseño componentes verificación estrategia "
         "evaluación población resultados convenios municipios gestión empresas "
         "seguimiento calidad oferta laboral indicadores eficiencia economía "
         "documento oficial minuta técnica anual región comunal").split()
STATUSES = ["en_evaluacion"] * 6 + ["cumplido"] * 3 + ["parcialmente_cumplido", "no_cumplido", "pendiente"]


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--commitments", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    store = os.path.join(args.out, "store")
    os.makedirs(store, exist_ok=True)
    with open(os.path.join(args.out, "plazod.toml"), "w") as f:
        f.write('[daemon]\nstore = "store"\nstate = "state"\ntimezone = "America/Santiago"\n')
    per_file, extra = divmod(args.commitments, args.files)
    for i in range(args.files):
        count = per_file + (1 if i < extra else 0)
        lines = [
            "[program]",
            f'id = "programa-{i:04d}"',
            f'name = "Programa {i} de {rng.choice(WORDS).capitalize()}"',
            'ministry = "MINISTERIO DEL TRABAJO Y PREVISION SOCIAL"',
            'service = "SERVICIO NACIONAL DE CAPACITACION Y EMPLEO"',
            "evaluation_year = 2023",
            "report_date = 2024-12-31",
            'rating = "parcialmente_cumplido"',
            f'owners = ["encargado.{i}@example.gob.cl"]',
            "",
        ]
        number, part = 1, 1
        for _ in range(count):
            year = rng.randint(2024, 2028)
            month = rng.choice([6, 12, 3, 9])
            due = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
            status = rng.choice(STATUSES)
            cid = f"c{number}" if part == 1 else f"c{number}-p{part}"
            lines += [
                "[[commitment]]",
                f'id = "{cid}"',
                f"number = {number}",
                f"part = {part}",
                f'recommendation = "{sentence(rng, 25)}"',
                f'text = "{sentence(rng, 30)}"',
                f'verification = "{sentence(rng, 10)}"',
                f"due = {due}",
                f'status = "{status}"',
                "status_date = 2024-12-31",
                "",
            ]
            if rng.random() < 0.2:
                part += 1
            else:
                number, part = number + 1, 1
        with open(os.path.join(store, f"programa-{i:04d}.toml"), "w") as f:
            f.write("\n".join(lines))


if __name__ == "__main__":
    main()
