#!/usr/bin/env python3
"""Writes the small MaxMind-format test databases next to this script.

The records are test data made up for mailrisk's fixtures (documentation and example
networks with plausible places), not a copy of any commercial or free database. They are
written with PyPI `mmdb-writer` (pip install mmdb-writer) in the two shapes real databases
come in, so that the real reader (`maxminddb` crate) is tested on both:

- test-city.mmdb: the GeoIP2/GeoLite2 City shape (country.iso_code, city.names.en,
  location.latitude/longitude/accuracy_radius);
- test-city-flat.mmdb: the flat shape of the ip-location-db packages on npm (country_code,
  city, latitude, longitude);
- test-asn.mmdb: the GeoLite2 ASN shape (autonomous_system_number,
  autonomous_system_organization), which ip-location-db's ASN databases share.

Run again after editing the tables: python3 make-test-mmdb.py
"""
import os

from mmdb_writer import MMDBWriter, MmdbF64, MmdbU16, MmdbU32
from netaddr import IPSet

HERE = os.path.dirname(os.path.abspath(__file__))

# network, ISO country, English country name, city, latitude, longitude, accuracy km
PLACES = [
    ("58.32.0.0/13", "CN", "China", "Shanghai", 31.2222, 121.4581, 20),
    ("175.16.0.0/13", "CN", "China", "Changchun", 43.88, 125.3228, 50),
    ("203.198.0.0/16", "HK", "Hong Kong", "Hong Kong", 22.2783, 114.1747, 10),
    ("81.2.69.0/24", "GB", "United Kingdom", "London", 51.5142, -0.0931, 10),
    ("41.58.0.0/16", "NG", "Nigeria", "Lagos", 6.4541, 3.3947, 100),
    ("45.9.20.0/22", "NL", "Netherlands", "Amsterdam", 52.3759, 4.8975, 50),
    ("2001:db8:8::/48", "DE", "Germany", "Berlin", 52.5244, 13.4105, 20),
]

# network, AS number, organisation
NETWORKS = [
    ("58.32.0.0/13", 4812, "China Telecom (Group)"),
    ("175.16.0.0/13", 4837, "CHINA UNICOM China169 Backbone"),
    ("203.198.0.0/16", 4760, "HKT Limited"),
    ("81.2.69.0/24", 20712, "Andrews & Arnold Ltd"),
    ("41.58.0.0/16", 37282, "MAINONE"),
    ("45.9.20.0/22", 49981, "WorldStream B.V."),
    ("2001:db8:8::/48", 3320, "Deutsche Telekom AG"),
]


def writer(kind):
    return MMDBWriter(
        ip_version=6,
        ipv4_compatible=True,
        database_type=kind,
        languages=["en"],
        description={"en": "mailrisk test data (" + kind + "), not for production use"},
    )


def main():
    city = writer("GeoIP2-City")
    flat = writer("ipinfo-flat-city")
    for net, iso, country, name, lat, lon, acc in PLACES:
        city.insert_network(
            IPSet([net]),
            {
                "country": {"iso_code": iso, "names": {"en": country}},
                "city": {"names": {"en": name}},
                "location": {
                    "latitude": MmdbF64(lat),
                    "longitude": MmdbF64(lon),
                    "accuracy_radius": MmdbU16(acc),
                },
            },
        )
        flat.insert_network(
            IPSet([net]),
            {
                "country_code": iso,
                "city": name,
                "latitude": MmdbF64(lat),
                "longitude": MmdbF64(lon),
            },
        )
    asn = writer("GeoLite2-ASN")
    for net, number, org in NETWORKS:
        asn.insert_network(
            IPSet([net]),
            {
                "autonomous_system_number": MmdbU32(number),
                "autonomous_system_organization": org,
            },
        )
    city.to_db_file(os.path.join(HERE, "test-city.mmdb"))
    flat.to_db_file(os.path.join(HERE, "test-city-flat.mmdb"))
    asn.to_db_file(os.path.join(HERE, "test-asn.mmdb"))


if __name__ == "__main__":
    main()
