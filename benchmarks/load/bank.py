"""Bank mix: bank officers (LOAD_FIXTURE's tokens: the full statement) and the public scanning a
receipt's QR code (anonymous: the masked statement) verify warehouse receipts with `receiptVerify`, the
printed number and verification code of receipts the demo data and the preparation issued."""

import random

from common import FIXTURE, graphql, stagger, wait_time
from documents import RECEIPT_VERIFY
from locust import FastHttpUser, task


class Verifier(FastHttpUser):
    wait_time = wait_time()

    def on_start(self):
        stagger()
        self.rng = random.Random()
        self.token = self.rng.choice(FIXTURE["officers"]) if FIXTURE["officers"] else None

    def _verify(self, name, token):
        number, code = self.rng.choice(FIXTURE["receipts"])
        graphql(self.client, name, RECEIPT_VERIFY, {"number": number, "code": code}, token)

    @task(3)
    def officer(self):
        self._verify("receiptVerify (bank officer)", self.token)

    @task(1)
    def public(self):
        self._verify("receiptVerify (public QR)", None)
