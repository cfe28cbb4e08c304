"""GraphQL documents shared by the checkout and order tests."""

CHECKOUT_FIELDS = """
  id token email quantity isShippingRequired
  lines { id quantity variant { id sku } unitPrice { gross { amount } } totalPrice { gross { amount } } }
  subtotalPrice { gross { amount currency } } shippingPrice { gross { amount } } totalPrice { gross { amount } }
  shippingAddress { city cityArea countryArea phone village }
  shippingMethods { id name kind price { amount } shop { id } }
  availableCollectionPoints { id name }
  deliveries { shop { id name } shippingPrice { gross { amount } } totalPrice { gross { amount } }
    shippingMethods { id name price { amount } } availableCollectionPoints { id name }
    deliveryMethod { __typename ... on Warehouse { id } ... on ShippingMethod { id } } }
  availablePaymentGateways { id name }
  chargeStatus authorizeStatus stockReservationExpires
"""

CREATE = (
    "mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
LINES_ADD = (
    "mutation($id: ID, $lines: [CheckoutLineInput!]!) { checkoutLinesAdd(id: $id, lines: $lines) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
LINES_UPDATE = (
    "mutation($id: ID, $lines: [CheckoutLineUpdateInput!]!) { checkoutLinesUpdate(id: $id, lines: $lines) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
LINES_DELETE = (
    "mutation($id: ID, $ids: [ID!]!) { checkoutLinesDelete(id: $id, linesIds: $ids) {"
    " checkout { quantity } errors { field code } } }"
)
EMAIL = (
    "mutation($id: ID, $email: String!) { checkoutEmailUpdate(id: $id, email: $email) {"
    " checkout { email } errors { field code } } }"
)
SHIPPING_ADDRESS = (
    "mutation($id: ID, $a: AddressInput!) { checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
BILLING_ADDRESS = (
    "mutation($id: ID, $a: AddressInput!) { checkoutBillingAddressUpdate(id: $id, billingAddress: $a) {"
    " checkout { id } errors { field code } } }"
)
DELIVERY = (
    "mutation($id: ID, $m: ID!, $shop: ID) {"
    " checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m, shopId: $shop) {"
    " checkout { %s } errors { field code message } } }" % CHECKOUT_FIELDS
)
PAY = """mutation($id: ID!, $gateway: String!, $key: String, $data: JSON) {
  transactionInitialize(id: $id, paymentGateway: {id: $gateway, data: $data}, idempotencyKey: $key) {
    transaction { id authorizedAmount { amount } chargedAmount { amount } } errors { field code message } } }"""
ORDER_FIELDS = """id number token status isPaid paymentStatus chargeStatus authorizeStatus pickupCode deliveryKind
  shop { id } total { gross { amount } } subtotal { gross { amount } } shippingPrice { gross { amount } }
  totalCharged { amount } totalRefunded { amount } collectionPointName shippingMethodName
  lines { id productName productSku quantity quantityFulfilled unitPrice { gross { amount } }
    totalPrice { gross { amount } } }
  fulfillments { id status trackingNumber } events { type }"""
COMPLETE = (
    "mutation($id: ID) { checkoutComplete(id: $id) { order { %s } orders { %s } errors { field code message } } }"
    % (ORDER_FIELDS, ORDER_FIELDS)
)
