"""The default catalogue of magnesia products and grades.

Spec ranges follow the usual trade grades (fused magnesia by MgO content, dead-burned and
light-burned magnesia, magnesite ore); they are starting values for operators to adjust
against the applicable GB/T and YB/T standards, not a statement of those standards.
"""

DEFAULT_CATALOGUE = [
    {
        "code": "fused-magnesia", "name": "电熔镁砂", "kind": "fused_magnesia",
        "quantity_step": "1", "min_quantity": "10", "price_tick": "1",
        "grades": [
            {"code": "fm-98", "name": "电熔镁砂 98", "rank": 98, "mgo_min": "98.000", "sio2_max": "0.600",
             "cao_max": "1.200", "fe2o3_max": "0.600", "bulk_density_min": "3.500"},
            {"code": "fm-97", "name": "电熔镁砂 97", "rank": 97, "mgo_min": "97.000", "sio2_max": "1.000",
             "cao_max": "1.500", "fe2o3_max": "0.800", "bulk_density_min": "3.450"},
            {"code": "fm-96", "name": "电熔镁砂 96", "rank": 96, "mgo_min": "96.000", "sio2_max": "1.500",
             "cao_max": "1.800", "fe2o3_max": "1.000", "bulk_density_min": "3.400"},
        ],
    },
    {
        "code": "dead-burned", "name": "重烧镁砂", "kind": "dead_burned",
        "quantity_step": "1", "min_quantity": "10", "price_tick": "1",
        "grades": [
            {"code": "db-95", "name": "重烧镁砂 95", "rank": 95, "mgo_min": "95.000", "sio2_max": "2.200",
             "cao_max": "1.600", "bulk_density_min": "3.250"},
            {"code": "db-90", "name": "重烧镁砂 90", "rank": 90, "mgo_min": "90.000", "sio2_max": "4.800",
             "cao_max": "2.500", "bulk_density_min": "3.180"},
        ],
    },
    {
        "code": "light-burned", "name": "轻烧氧化镁", "kind": "light_burned",
        "quantity_step": "1", "min_quantity": "5", "price_tick": "1",
        "grades": [
            {"code": "lb-90", "name": "轻烧氧化镁 90", "rank": 90, "mgo_min": "90.000", "sio2_max": "3.000", "cao_max": "1.500"},
            {"code": "lb-85", "name": "轻烧氧化镁 85", "rank": 85, "mgo_min": "85.000", "sio2_max": "5.000", "cao_max": "2.000"},
        ],
    },
    {
        "code": "magnesite-ore", "name": "菱镁矿石", "kind": "magnesite_ore",
        "quantity_step": "1", "min_quantity": "30", "price_tick": "1",
        "grades": [
            {"code": "ore-47", "name": "菱镁矿 MgO≥47", "rank": 47, "mgo_min": "47.000", "sio2_max": "0.600",
             "cao_max": "0.600", "grain_size_min": "10.000", "grain_size_max": "80.000"},
            {"code": "ore-46", "name": "菱镁矿 MgO≥46", "rank": 46, "mgo_min": "46.000", "sio2_max": "1.200",
             "cao_max": "0.800", "grain_size_min": "10.000", "grain_size_max": "80.000"},
        ],
    },
    {
        "code": "mgo-c-brick", "name": "镁碳砖", "kind": "magnesia_carbon_brick",
        "quantity_step": "0.5", "min_quantity": "1", "price_tick": "10",
        "grades": [
            {"code": "mt-14", "name": "镁碳砖 MT-14", "rank": 14, "mgo_min": "76.000", "bulk_density_min": "2.950"},
            {"code": "mt-10", "name": "镁碳砖 MT-10", "rank": 10, "mgo_min": "80.000", "bulk_density_min": "2.900"},
        ],
    },
    {
        "code": "boron", "name": "硼产品（硼镁）", "kind": "boron",
        "quantity_step": "1", "min_quantity": "5", "price_tick": "1",
        "grades": [
            {"code": "boron-mgo-40", "name": "硼镁 MgO≥40", "rank": 40, "mgo_min": "40.000"},
        ],
    },
]
