//! Evaluating a typical Step Functions `Arguments` object: ten fields mixing paths, built-ins,
//! a conditional and a `$map` over the input.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use stepwise_json::{json, Map, Value};
use stepwise_jsonata::{from_json, Env, Expression, Functions};

const ARGUMENTS: &str = r#"{
  "orderId": $states.input.order.id,
  "customer": $states.input.customer.name,
  "email": $lowercase($states.input.customer.email),
  "total": $sum($states.input.order.items.(price * quantity)),
  "count": $count($states.input.order.items),
  "skus": $map($states.input.order.items, function($i) { $uppercase($i.sku) }),
  "region": $region,
  "priority": $states.input.order.total > 100 ? 'high' : 'normal',
  "startedAt": $states.context.Execution.StartTime,
  "tags": $states.input.tags
}"#;

fn states() -> Value {
    json!({
        "input": {
            "order": {
                "id": "o-1234",
                "total": 150.5,
                "items": [
                    {"sku": "a-1", "price": 10.5, "quantity": 2},
                    {"sku": "b-2", "price": 99.5, "quantity": 1},
                    {"sku": "c-3", "price": 20, "quantity": 2}
                ]
            },
            "customer": {"name": "Ada", "email": "Ada@Example.com"},
            "tags": ["new", "priority"]
        },
        "context": {"Execution": {"StartTime": "2024-01-01T00:00:00.000Z", "Name": "run-1"}}
    })
}

fn bench(c: &mut Criterion) {
    let expression = Expression::compile(ARGUMENTS).unwrap();
    let states = states();
    let mut vars = Map::new();
    vars.insert("states".into(), states.clone());
    vars.insert("region".into(), json!("eu-west-1"));
    let functions = Functions::standard();
    let mut random = || 0.5;

    c.bench_function("compile arguments", |b| {
        b.iter(|| Expression::compile(black_box(ARGUMENTS)).unwrap())
    });
    c.bench_function("evaluate arguments (values converted beforehand)", |b| {
        let states = from_json(&states);
        let region = from_json(&vars["region"]);
        let bindings = [("states", &states), ("region", &region)];
        b.iter(|| {
            let mut env = Env {
                now_millis: 0,
                random: &mut random,
            };
            expression
                .evaluate_prepared(None, black_box(&bindings), &mut env, &functions)
                .unwrap()
        })
    });
    c.bench_function("evaluate arguments (serde values in and out)", |b| {
        b.iter(|| {
            let mut env = Env {
                now_millis: 0,
                random: &mut random,
            };
            expression
                .evaluate(None, black_box(&vars), &mut env)
                .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
