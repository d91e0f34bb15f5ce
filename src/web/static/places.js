// Shared by Bleibe's maps: names for the zoom buttons, and place names for maps without a
// tile server: the districts when zoomed out, the larger towns from zoom 9 and every municipality from zoom 11, from Bleibe's own table of the
// municipalities of Baden-Württemberg (/static/geo/places.geojson). The names are a
// visual help only; every map page lists its points as text too.
(function () {
  "use strict";
  // The zoom buttons' names contain what they show (+, −), in the page's language.
  window.bleibeNameZoom = function (map) {
    var en = document.documentElement.lang === "en";
    [["in", "+", en ? "Zoom in" : "Vergrößern"], ["out", "\u2212", en ? "Zoom out" : "Verkleinern"]].forEach(function (z) {
      var button = map.getContainer().querySelector(".leaflet-control-zoom-" + z[0]);
      if (button) {
        button.setAttribute("aria-label", z[1] + " " + z[2]);
        button.setAttribute("title", z[2]);
      }
    });
  };

  window.bleibePlaceNames = function (map) {
    fetch("/static/geo/places.geojson").then(function (r) { return r.json(); }).then(function (data) {
      var districts = L.layerGroup(), towns = L.layerGroup(), villages = L.layerGroup();
      data.features.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates;
        var text = document.createElement("span");
        text.textContent = p.name;
        var label = L.marker([c[1], c[0]], {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "place-label place-" + p.kind, html: text, iconSize: null })
        });
        if (p.kind === "district") { districts.addLayer(label); }
        else if (p.population >= 20000) { towns.addLayer(label); }
        else { villages.addLayer(label); }
      });
      function toggle(layer, on) {
        if (on && !map.hasLayer(layer)) { layer.addTo(map); }
        if (!on && map.hasLayer(layer)) { map.removeLayer(layer); }
      }
      function show() {
        var z = map.getZoom();
        toggle(districts, z <= 9);
        toggle(towns, z >= 9);
        toggle(villages, z >= 11);
      }
      map.on("zoomend", show);
      show();
    }).catch(function () { /* the map works without names */ });
  };
})();
