use yew::prelude::*;

#[function_component]
fn App() -> Html {
    html! { <div id="app" class="app">{ "Stepwise" }</div> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
