fn main() {
    stepwise_playground::start();
}
