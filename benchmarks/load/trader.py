"""Trader mix: exchange traders (LOAD_FIXTURE's tokens, each with its own funded member) look at the open
auctions, bid on them (each raising its own last accepted price by a tick; overtaken, it jumps 1-5 ticks
above its last attempt, as benchmarks/exchange_service.py) and pick 10 t off the sell listings. A bid
refused as not improving and a pick of a listing already taken are the market's answers, not failures."""

import itertools
import random

from common import FIXTURE, graphql, stagger, wait_time
from documents import AUCTION_BID, AUCTIONS, LISTING_PICK
from locust import FastHttpUser, task

_traders = itertools.count()


class Trader(FastHttpUser):
    wait_time = wait_time()

    def on_start(self):
        stagger()
        self.n = next(_traders)
        self.token = FIXTURE["traders"][self.n % len(FIXTURE["traders"])]
        self.rng = random.Random(self.n)
        self.attempt = {auction: FIXTURE["reserve"] for auction in FIXTURE["auctions"]}

    @task(5)
    def bid(self):
        auction = self.rng.choice(FIXTURE["auctions"])
        answer = graphql(
            self.client,
            "auctionBid",
            AUCTION_BID,
            {"id": auction, "p": str(self.attempt[auction]), "q": "10"},
            self.token,
            expected=("BID_NOT_IMPROVED",),
        )
        if answer is not None and not answer.get("errors"):
            self.attempt[auction] += 1
        else:
            self.attempt[auction] += self.rng.randint(1, 5)

    @task(2)
    def pick(self):
        graphql(
            self.client,
            "listingPick",
            LISTING_PICK,
            {"id": self.rng.choice(FIXTURE["listings"]), "q": "10"},
            self.token,
            expected=("QUANTITY_EXCEEDS_AVAILABLE", "NOT_OPEN"),
        )

    @task(2)
    def auctions(self):
        graphql(self.client, "auctions(open)", AUCTIONS, None, self.token)
