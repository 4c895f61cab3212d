// want: cannot use "paypal" \(untyped string constant\) as "?[a-z./]*orders"?.PaymentMethod value
package bad

import "example.com/gogentest/orders"

func use(m *orders.Metrics) { m.OrdersCreatedTotal(orders.StatusPaid, "paypal").Inc() }
