"""The GST ledger: chart of accounts, journal, invoices, bills, payments and the BAS.

gst.py holds the pure rules; services.py and billing.py every change; bas.py the
report; selectors.py the scoped reads. Known limits, each with what lifts it:

- Withholding for a supplier who quoted no ABN is posted when the bill is recorded,
  not when it is paid, so W4 falls in the bill's period; it moves to payment when
  the bill and payment services learn partial withholding per payment.
- The 47% withholding has no $75 (ex GST) threshold or exemption flag: GST_BAS.md
  states none. Add a supplier flag when a real exempt supplier appears.
- The December quarter is due on 28 January, as GST_BAS.md states; the ATO's
  concession to 28 February is not applied until the brief says so.
- On the cash basis a credit issued after part-payment re-weights the invoice's
  later payments; earlier, lodged periods keep the figures they were lodged with.
- Bills are posted as recorded (no draft), and a wrong bill's GST cannot yet be
  corrected: manual journals carry no GST. Supplier adjustment notes lift this.
"""
