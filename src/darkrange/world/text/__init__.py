"""The world's text: listings, profiles, reviews, forum posts, pastes and names, in English,
Russian and Uzbek.

Everything is deterministic from the random.Random passed in. Content stays at catalogue level
(product, quantity, price, condition, shipping, stealth, terms, reviews): never instructions
for making or using weapons, explosives or drugs. Category shares and title shapes are
calibrated on real Agora listings (2014), by derived numbers only (see _calibration.py).
"""

from darkrange.world.text._catalogue import (
    CATALOGUE,
    category_shares,
    make_product_line,
    pick_category,
    product_line_in,
    shelf_shares,
)
from darkrange.world.text._forum import (
    canary_text,
    coin_of,
    donation_appeal,
    forum_post,
    forum_thread_title,
    paste_text,
)
from darkrange.world.text._handles import contacts, handle, handle_variant
from darkrange.world.text._listing import dead_drop_listing, listing_text, unit_label
from darkrange.world.text._people import review_text, vendor_profile_text
from darkrange.world.text._places import districts, person_name, place
from darkrange.world.text._sites import REAL_NAMES, site_category_label, site_name
from darkrange.world.text._style import apply_style, make_style
from darkrange.world.text._translit import latin_skeleton, to_cyrillic, to_latin, unleet
from darkrange.world.text._types import (
    CATEGORIES,
    FORUM_TOPICS,
    LANGUAGES,
    SOFTWARE,
    Category,
    ForumTopic,
    Language,
    ListingText,
    PasteKind,
    ProductLine,
    Region,
    Role,
    SiteKind,
    Software,
    Style,
    VariantMode,
)

__all__ = [
    "CATALOGUE",
    "CATEGORIES",
    "FORUM_TOPICS",
    "LANGUAGES",
    "REAL_NAMES",
    "SOFTWARE",
    "Category",
    "ForumTopic",
    "Language",
    "ListingText",
    "PasteKind",
    "ProductLine",
    "Region",
    "Role",
    "SiteKind",
    "Software",
    "Style",
    "VariantMode",
    "apply_style",
    "canary_text",
    "category_shares",
    "coin_of",
    "contacts",
    "dead_drop_listing",
    "districts",
    "donation_appeal",
    "forum_post",
    "forum_thread_title",
    "handle",
    "handle_variant",
    "latin_skeleton",
    "listing_text",
    "make_product_line",
    "make_style",
    "paste_text",
    "person_name",
    "pick_category",
    "place",
    "product_line_in",
    "review_text",
    "shelf_shares",
    "site_category_label",
    "site_name",
    "to_cyrillic",
    "to_latin",
    "unit_label",
    "unleet",
    "vendor_profile_text",
]
