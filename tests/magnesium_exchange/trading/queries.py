"""GraphQL documents of the trading API tests."""

LISTING_CREATE = """
mutation($input: ListingCreateInput!) { listingCreate(input: $input) {
  errors { field code message } listing { id status quantity price ownerName grade } } }"""


PICK = """
mutation($id: ID!, $q: Decimal!) { listingPick(id: $id, quantity: $q) {
  errors { field code message }
  trade { id tradeNumber buyerName sellerName quantity value deposit contractNumber receipts }
  listing { remaining status } } }"""


AUCTION_CREATE = """
mutation($input: AuctionCreateInput!) { auctionCreate(input: $input) {
  errors { code message } auction { id status } } }"""


BID = """
mutation($id: ID!, $p: Decimal!, $q: Decimal!) { auctionBid(id: $id, price: $p, quantity: $q) {
  errors { field code message } auction { bidCount bestPrice lots { lotId liveBids bestPrice } } } }"""
