"""The facts of the demo story as data: projects, monthly health, benefits and risks."""

from __future__ import annotations

from datetime import date

PROGRAM = {
    "code": "ERP-TRANSFORM",
    "name": "ERP transformation",
    "objectives": [
        "One global finance and supply-chain platform on SAP S/4HANA",
        "Cut order-to-cash cycle time by a third",
        "Reduce inventory carrying cost",
    ],
    "sponsor": "Maria Keller, CFO",
    "manager": "Tom Becker",
}

# name, manager's account, planned start and finish, deliverables (key, name, due)
PROJECTS: dict[str, tuple[str, date, date, list[tuple[str, str, date]]]] = {
    "ERP implementation": ("aisha.rahman", date(2025, 6, 1), date(2026, 9, 30), [
        ("blueprint", "Business blueprint", date(2025, 8, 31)),
        ("build", "System build and configuration", date(2026, 1, 31)),
        ("system-test", "Integrated system test", date(2026, 3, 31)),
        ("warehouse-module", "Extended warehouse management", date(2026, 5, 31)),
        ("go-live", "Go-live and hypercare", date(2026, 7, 31)),
    ]),
    "Business process optimisation": ("jonas.weber", date(2025, 5, 15), date(2026, 6, 30), [
        ("o2c-redesign", "Order-to-cash process redesign", date(2025, 10, 31)),
        ("p2p-redesign", "Procure-to-pay process redesign", date(2025, 12, 15)),
        ("kpi-framework", "Process KPI framework", date(2026, 2, 28)),
    ]),
    "Data migration": ("li.wei", date(2025, 7, 1), date(2026, 6, 30), [
        ("data-profiling", "Legacy data profiling", date(2025, 9, 30)),
        ("cleansing", "Data cleansing", date(2025, 12, 31)),
        ("mock-loads", "Mock loads 1-3", date(2026, 2, 15)),
        ("final-load", "Final production load", date(2026, 6, 15)),
    ]),
    "Change management": ("sofia.martins", date(2025, 6, 1), date(2026, 10, 31), [
        ("stakeholder-map", "Stakeholder and impact map", date(2025, 7, 31)),
        ("training", "End-user training for 1,200 users", date(2026, 6, 15)),
        ("adoption-campaign", "Adoption campaign", date(2026, 9, 30)),
    ]),
}

# Overall health per month from June 2025 to October 2026 (17 reports each); G, A or R.
# Data migration jumps straight from green to red in February 2026: a "watermelon".
HEALTH = {
    "ERP implementation": "GGGGGAAGGGAGGGGGG",
    "Business process optimisation": "GGGGAGGGGGGGG",
    "Data migration": "GGGGGGGRAGGGG",
    "Change management": "GGGGGGGGGGGAAGGGG",
}
HEALTH_REASONS = {
    ("ERP implementation", "A"): "Blueprint sign-off slipped; build started late",
    ("Business process optimisation", "A"): "Finance SMEs tied up with year-end",
    ("Data migration", "R"): "Mock load 2 rejected 14% of customer records",
    ("Data migration", "A"): "Cleansing sprint under way; mock load 3 rescheduled",
    ("Change management", "A"): "Training attendance below 70% in two regions",
}

# name, description, KPI, unit, direction, owner, baseline, target, target date
BENEFITS = {
    "Order-to-cash cycle time": (
        "Days from customer order to cash received", "O2C cycle time", "days", "decrease",
        "Head of Order Management", 42.0, 28.0, date(2026, 12, 31)),
    "Inventory carrying cost": (
        "Annual carrying cost as a share of inventory value", "Carrying cost", "% of value",
        "decrease", "Supply Chain Director", 24.0, 19.0, date(2027, 3, 31)),
    "User adoption": (
        "Share of licensed users active in S/4HANA each week", "Weekly active users", "%",
        "increase", "Change Lead", 0.0, 90.0, date(2026, 12, 31)),
}

# Monthly order-to-cash readings from May 2025: flat until go-live in July 2026, then falling.
O2C_READINGS = [42.0, 42.4, 41.9, 42.6, 42.1, 41.7, 39.0, 42.3, 42.8, 41.5, 41.9, 42.0,
                41.2, 40.6, 37.9, 34.8, 32.6, 31.4]
# Quarterly inventory carrying cost readings.
INVENTORY_READINGS = [(date(2025, 6, 30), 24.1), (date(2025, 9, 30), 23.9),
                      (date(2025, 12, 31), 24.2), (date(2026, 3, 31), 23.8),
                      (date(2026, 6, 30), 23.5), (date(2026, 9, 30), 22.1)]
# Monthly adoption after go-live.
ADOPTION_READINGS = [(date(2026, 7, 31), 38.0), (date(2026, 8, 31), 61.0),
                     (date(2026, 9, 30), 74.0), (date(2026, 10, 31), 81.0)]
