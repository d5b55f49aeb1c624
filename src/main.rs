fn main() {
    browser_oauth::start();
}
