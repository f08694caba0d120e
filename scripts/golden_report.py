#!/usr/bin/env python3
"""Writes fixtures/golden/report/*.txt: the report message for each data set in
fixtures/golden/report/cases.json, built with Python's own str.center, as the lab's
function builds it (docs/cafe-report.md). The Swift formatter is tested against these files."""
import json, os

here = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'golden', 'report')

def message(date, rows):
    m = 'Sales Analysis Report'.center(80) + '\n'
    m += ('Date: ' + date).center(80) + '\n'
    if not rows:
        return m + '\n' + 'There were no orders today.'.center(80)
    previous = None
    for r in rows:
        if r['product_group_number'] != previous:
            m += '\n' + 'Product Group: ' + r['product_group_name'] + '\n\n'
            m += 'Item Name'.center(40) + '\t\t\t' + 'Quantity' + '\n'
            m += '*********'.center(40) + '\t\t\t' + '********' + '\n'
            previous = r['product_group_number']
        name = r['product_name']
        tabs = '\t\t\t' if len(name) < 20 else ('\t\t' if len(name) <= 37 else '\t')
        m += name.center(40) + tabs + str(r['quantity']).center(5) + '\n'
    return m

cases = json.load(open(os.path.join(here, 'cases.json')))
for case in cases:
    with open(os.path.join(here, case['name'] + '.txt'), 'w', newline='') as f:
        f.write(message(case['date'], case['rows']))
print(f"wrote {len(cases)} golden reports")
