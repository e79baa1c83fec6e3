#!/usr/bin/env python3
"""A shop written in Python, with nothing but the standard library, against the standalone
gopay-simulator binary: token, create, the customer pays (control API), notification
received, seen and sent again (control API), status, partial refund, refund history. What a PHP, Python or Node shop's CI does.

    python3 shop_flow.py path/to/gopay-simulator
    python3 shop_flow.py gopay-simulator    # the command on PATH, after pip install gopay-simulator
"""
import base64
import http.server
import json
import queue
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

GOID = 8123456789
CLIENT_ID = "python-shop"
CLIENT_SECRET = "python-shop-secret"

results = []


def check(name, condition, detail=""):
    results.append((name, bool(condition)))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))


def call(method, url, body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def main(binary):
    simulator = subprocess.Popen(
        [binary, "--port", "0", "--goid", str(GOID),
         "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET],
        stdout=subprocess.PIPE, text=True)
    try:
        first = simulator.stdout.readline().strip()
        check("the first line names the gateway", "listening on http" in first, first)
        api = first.rsplit(" ", 1)[-1]
        origin = api[: -len("/api")]
        # The rest of stdout is the exchange log: keep reading it so the pipe never fills.
        threading.Thread(target=simulator.stdout.read, daemon=True).start()
        run(api, origin)
    finally:
        simulator.terminate()
        code = simulator.wait(timeout=10)
        check("SIGTERM stops it cleanly", code == 0, f"exit status {code}")
    failed = sum(1 for _, ok in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def run(api, origin):
    notified = queue.Queue()

    class Shop(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            query = urllib.parse.urlparse(self.path).query
            notified.put(urllib.parse.parse_qs(query).get("id", [""])[0])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    shop = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    shop_url = f"http://127.0.0.1:{shop.server_address[1]}"

    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    status, body = call("POST", f"{api}/oauth2/token",
                        b"grant_type=client_credentials&scope=payment-all",
                        {"Authorization": f"Basic {basic}",
                         "Content-Type": "application/x-www-form-urlencoded",
                         "Accept": "application/json"})
    token = json.loads(body).get("access_token") if status == 200 else None
    check("token", token, f"{status} {body[:200]!r}")
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    payment = {
        "payer": {"contact": {"email": "jan.novak@example.com"},
                  "allowed_payment_instruments": ["PAYMENT_CARD", "BANK_ACCOUNT"]},
        "target": {"type": "ACCOUNT", "goid": GOID},
        "amount": 15000, "currency": "CZK", "order_number": "py-0001",
        "order_description": "Žluťoučký kůň",
        "items": [{"name": "Žluťoučký kůň", "amount": 15000, "count": 1}],
        "callback": {"return_url": f"{shop_url}/return", "notification_url": f"{shop_url}/notify"},
        "lang": "CS",
    }
    # Raw UTF-8, as GoPay's firewall wants it (it refuses \\u-escaped non-ASCII with 403).
    raw = json.dumps(payment, ensure_ascii=False).encode("utf-8")
    status, body = call("POST", f"{api}/payments/payment", raw,
                        {**auth, "Content-Type": "application/json"})
    created = json.loads(body) if status == 200 else {}
    check("create", created.get("state") == "CREATED", f"{status} {body[:300]!r}")
    payment_id = created.get("id")
    escaped = json.dumps(payment, ensure_ascii=True).encode("ascii")
    status, _ = call("POST", f"{api}/payments/payment", escaped,
                     {**auth, "Content-Type": "application/json"})
    check("\\u-escaped non-ASCII JSON is refused as GoPay's firewall does", status == 403, status)

    status, body = call("POST", f"{origin}/_simulator/payments/{payment_id}/pay",
                        b'{"payment_instrument": "PAYMENT_CARD"}',
                        {"Content-Type": "application/json"})
    check("the customer pays (control API)", status == 200, f"{status} {body[:200]!r}")
    try:
        got = notified.get(timeout=10)
    except queue.Empty:
        got = None
    check("the notification reaches the shop", got == str(payment_id), got)

    # What the shop's handler answered, as the simulator shows it (moving the clock by 0 s
    # waits for the attempt under way), and the notification sent again.
    call("POST", f"{origin}/_simulator/clock/advance", b'{"seconds": 0}',
         {"Content-Type": "application/json"})
    status, body = call("GET", f"{origin}/_simulator/payments/{payment_id}/notifications")
    listed = json.loads(body) if status == 200 else []
    check("the simulator shows the shop's 200",
          [[a.get("status") for a in n.get("attempts", [])] for n in listed] == [[200]]
          and listed[0].get("delivered") and listed[0].get("payment_state") == "PAID",
          f"{status} {body[:300]!r}")
    status, body = call("POST", f"{origin}/_simulator/payments/{payment_id}/notify")
    again = json.loads(body) if status == 200 else {}
    check("a notification sent again answers with its first attempt",
          again.get("id") == 2 and again.get("delivered"), f"{status} {body[:300]!r}")
    try:
        got = notified.get(timeout=10)
    except queue.Empty:
        got = None
    check("the shop receives it again", got == str(payment_id), got)

    status, body = call("GET", f"{api}/payments/payment/{payment_id}", None, auth)
    check("status is PAID", status == 200 and json.loads(body).get("state") == "PAID",
          f"{status} {body[:200]!r}")

    status, body = call("POST", f"{api}/payments/payment/{payment_id}/refund", b"amount=5000",
                        {**auth, "Content-Type": "application/x-www-form-urlencoded"})
    result = json.loads(body).get("result") if status == 200 else None
    check("partial refund", result in ("FINISHED", "ACCEPTED"), f"{status} {body[:200]!r}")

    status, body = call("GET", f"{api}/payments/payment/{payment_id}/refunds", None, auth)
    refunds = json.loads(body) if status == 200 else []
    check("refund history lists it", [r.get("amount") for r in refunds] == [5000],
          f"{status} {body[:200]!r}")
    shop.shutdown()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
