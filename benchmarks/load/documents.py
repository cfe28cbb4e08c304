"""The GraphQL documents the load mixes send, shared by the locustfiles (over HTTP) and by
benchmarks/checkout_http_profile.py (the same requests in process), so both measure the same work.
Each asks for what a storefront, a trading terminal or a bank's system would show, not the whole type."""

PRODUCTS = """query Products($first: Int!, $after: String, $filter: ProductFilterInput) {
  products(channel: "rural", first: $first, after: $after, filter: $filter) {
    edges { node { id name slug
      pricing { priceRange { start { gross { amount currency } } } }
      thumbnail(size: 256) { url } category { name } shop { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

PRODUCT = """query Product($slug: String!) {
  product(slug: $slug, channel: "rural") {
    id name description
    pricing { priceRange { start { gross { amount currency } } } }
    thumbnail(size: 512) { url } category { name } shop { name }
    variants { id name sku quantityAvailable pricing { price { gross { amount currency } } } }
  }
}"""

CHECKOUT_FIELDS = """id totalPrice { gross { amount currency } }
  deliveries { shop { id } shippingMethods { id kind price { amount } } deliveryMethod { __typename } }"""

CHECKOUT_CREATE = (
    "mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
CHECKOUT_ADDRESS = (
    "mutation($id: ID, $a: AddressInput!) { checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
CHECKOUT_DELIVERY = (
    "mutation($id: ID, $m: ID!, $shop: ID) {"
    " checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m, shopId: $shop) {"
    " checkout { id totalPrice { gross { amount currency } } } errors { field code message } } }"
)
CHECKOUT_PAY = """mutation($id: ID!, $gateway: String!, $key: String) {
  transactionInitialize(id: $id, paymentGateway: {id: $gateway}, idempotencyKey: $key) {
    transaction { id authorizedAmount { amount } } errors { field code message } } }"""
CHECKOUT_COMPLETE = """mutation($id: ID) { checkoutComplete(id: $id) {
  orders { id number status total { gross { amount currency } } } errors { field code message } } }"""

CASH_ON_DELIVERY = "meidu.payments.cod"

AUCTION_BID = """mutation($id: ID!, $p: Decimal!, $q: Decimal!) {
  auctionBid(id: $id, price: $p, quantity: $q) { errors { field code message } } }"""
LISTING_PICK = """mutation($id: ID!, $q: Decimal!) {
  listingPick(id: $id, quantity: $q) { trade { id } errors { field code message } } }"""
AUCTIONS = '{ auctions(status: "open") { id bidCount } }'

RECEIPT_VERIFY = """query V($number: String!, $code: String!) {
  receiptVerify(number: $number, code: $code) {
    statement claims { view number tonnes status pledged chainValid chainLastHash } errors { code }
  }
}"""
