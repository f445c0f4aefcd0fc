// Maps of GeoJSON layers drawn with Leaflet, over the instance's own base map
// (Natural Earth land, country borders and the borders of the subdivisions of
// the countries the site names, read from TopoJSON) unless the site sets a
// tile layer. Stops are dots when the whole network shows and grow with the
// zoom, over the lines, so a dense network keeps its lines visible. Markup: see templates/transport/_map.html.
(function () {
  "use strict";

  var PALETTE = ["#0b6e4f", "#2f5fa7", "#8a4fbf", "#a4161a", "#7a4a00", "#1f4f8a"];

  function colour(value, fallback) {
    if (typeof value === "string" && /^#?[0-9a-fA-F]{6}$/.test(value)) {
      return value.charAt(0) === "#" ? value : "#" + value;
    }
    return fallback;
  }

  function title(properties, layer) {
    var keys = [layer.name_property, "name", "stop_name", "route_short_name", "station_id", "id"];
    for (var i = 0; i < keys.length; i++) {
      var value = keys[i] && properties[keys[i]];
      if (value !== undefined && value !== null && value !== "") return String(value);
    }
    return "";
  }

  // Popup content built as elements: names come from data, never as HTML.
  function popup(properties, layer) {
    var box = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = title(properties, layer);
    box.appendChild(strong);
    var extra = layer.detail_property && properties[layer.detail_property];
    if (extra !== undefined && extra !== null && extra !== "") {
      var detail = document.createElement("div");
      detail.textContent = String(extra);
      box.appendChild(detail);
    }
    var url = properties.url;
    if (typeof url === "string" && (/^https?:\/\//.test(url) || url.charAt(0) === "/")) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = layer.link_text || url;
      box.appendChild(document.createElement("br"));
      box.appendChild(link);
    }
    return box;
  }

  function status(element, text) {
    var box = element.parentNode.querySelector(".map-status");
    if (!box) {
      box = document.createElement("p");
      box.className = "map-status";
      box.setAttribute("role", "status");
      element.parentNode.insertBefore(box, element.nextSibling);
    }
    box.textContent = text || "";
    box.hidden = !text;
  }

  // Stop radius by zoom: dots when the whole network shows, discs up close.
  function stopRadius(zoom, base) {
    if (zoom <= 9) return Math.max(1.5, base - 2.5);
    if (zoom <= 11) return Math.max(2, base - 1.5);
    if (zoom <= 13) return base;
    return base + 2;
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  }

  // Borders between the subdivisions of a country (one TopoJSON object per
  // file), drawn thinner and lighter than the borders between countries.
  function drawRegions(map, urls) {
    var container = map.getContainer();
    var drawn = 0;
    return Promise.all(urls.map(function (url) {
      return fetchJSON(url)
        .then(function (topology) {
          Object.keys(topology.objects).forEach(function (key) {
            var object = topology.objects[key];
            L.geoJSON(topojson.mesh(topology, object, function (a, b) { return a !== b; }), {
              pane: "basemap",
              interactive: false,
              style: function () {
                return { color: "#b5ad9c", weight: 0.6, opacity: 0.9, dashArray: "3 3", fill: false };
              },
            }).addTo(map);
            drawn += 1;
          });
        })
        .catch(function () { return null; });
    })).then(function () {
      container.dataset.regionsDrawn = String(drawn);
    });
  }

  function drawBasemap(map, url, regions) {
    if (!url || typeof topojson === "undefined") return;
    map.createPane("basemap");
    map.getPane("basemap").classList.add("basemap-pane");
    fetchJSON(url)
      .then(function (topology) {
        var countries = topology.objects.countries;
        L.geoJSON(topojson.feature(topology, countries), {
          pane: "basemap",
          interactive: false,
          style: function () {
            return { color: "#c9c2b0", weight: 0.5, fillColor: "#f4f1e8", fillOpacity: 1 };
          },
        }).addTo(map);
        return drawRegions(map, regions).then(function () {
          L.geoJSON(topojson.mesh(topology, countries, function (a, b) { return a !== b; }), {
            pane: "basemap",
            interactive: false,
            style: function () {
              return { color: "#9a9385", weight: 1, opacity: 0.9, fill: false };
            },
          }).addTo(map);
          map.getContainer().dataset.basemapDrawn = "1";
        });
      })
      .catch(function () {
        map.getContainer().dataset.basemapDrawn = "0";
      });
  }

  function draw(element) {
    if (element.dataset.mapReady || typeof L === "undefined") return;
    element.dataset.mapReady = "1";
    var layers;
    try {
      layers = JSON.parse(element.dataset.layers || "[]");
    } catch (error) {
      layers = [];
    }
    var fallback = element.querySelector(".map-fallback");
    if (fallback) fallback.remove();
    var map = L.map(element, {
      preferCanvas: true,
      attributionControl: Boolean(element.dataset.tiles),
      scrollWheelZoom: false,
      keyboard: true,
    });
    map.getContainer().setAttribute("aria-label", element.dataset.label || "");
    map.getContainer().setAttribute("role", "application");
    map.getContainer().setAttribute("aria-roledescription", "map");
    L.control.scale({ imperial: false }).addTo(map);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        attribution: element.dataset.attribution || "",
        maxZoom: 19,
      }).addTo(map);
    } else if (element.dataset.basemap) {
      element.classList.add("has-basemap");
      var regions = (element.dataset.regions || "").split(" ").filter(Boolean);
      drawBasemap(map, element.dataset.basemap, regions);
    }
    // Lines under small points: a busy network keeps its lines readable.
    var pointLayers = [];
    map.on("zoomend", function () {
      var zoom = map.getZoom();
      pointLayers.forEach(function (entry) {
        entry.group.eachLayer(function (item) {
          if (item.setRadius) item.setRadius(stopRadius(zoom, entry.base));
        });
      });
    });
    map.setView([20, 0], 2);
    status(element, element.dataset.loading);
    var bounds = L.latLngBounds([]);
    var pending = layers.length;
    var failed = false;
    var drawn = 0;

    function finished() {
      pending -= 1;
      if (pending > 0) return;
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
      }
      var zoom = map.getZoom();
      pointLayers.forEach(function (entry) {
        entry.group.eachLayer(function (item) {
          if (item.setRadius) item.setRadius(stopRadius(zoom, entry.base));
        });
      });
      element.dataset.mapDrawn = String(drawn);
      if (failed) status(element, element.dataset.failed);
      else if (!drawn) status(element, element.dataset.empty);
      else status(element, "");
    }

    layers.forEach(function (layer, index) {
      var tint = colour(layer.color, PALETTE[index % PALETTE.length]);
      fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          var base = layer.radius || 4;
          var geo = L.geoJSON(data, {
            pointToLayer: function (feature, latlng) {
              return L.circleMarker(latlng, {
                radius: stopRadius(map.getZoom(), base),
                color: "#ffffff",
                weight: 0.5,
                fillColor: colour(feature.properties && feature.properties[layer.color_property], tint),
                fillOpacity: 0.9,
              });
            },
            style: function (feature) {
              var props = feature.properties || {};
              return {
                color: colour(props.route_color || props[layer.color_property], tint),
                weight: layer.kind === "lines" ? 3 : 1,
                opacity: 0.85,
              };
            },
            onEachFeature: function (feature, item) {
              drawn += 1;
              item.bindPopup(popup(feature.properties || {}, layer));
            },
          }).addTo(map);
          if (layer.kind === "lines") geo.bringToBack();
          else pointLayers.push({ group: geo, base: base });
          var layerBounds = geo.getBounds();
          if (layerBounds.isValid()) bounds.extend(layerBounds);
        })
        .catch(function () {
          failed = true;
        })
        .then(finished);
    });
    if (!layers.length) {
      pending = 1;
      finished();
    }
  }

  function init(root) {
    (root || document).querySelectorAll("[data-map]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Maps inside content swapped in by htmx.
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
